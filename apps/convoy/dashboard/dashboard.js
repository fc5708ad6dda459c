// Convoy agent dashboard: the members (status and incarnation, live), one member's store, a
// search box, recent events and the local health score, all from this agent's HTTP API. The
// event stream (/v1/events) keeps the page live; a snapshot is re-read whenever the stream
// (re)connects or reports that it lost events, so the page never drifts from the agent.
"use strict";

const state = {
  self: null,            // this agent's member id
  members: new Map(),    // id -> {id, address, status, incarnation}
  names: new Map(),      // id -> value of its "name" key
  selected: null,        // member whose store is shown
  store: new Map(),      // key -> {value, version}
  events: [],
};
const MAX_EVENTS = 100;

const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (_) { /* not JSON */ }
  return { status: response.status, ok: response.ok, body };
}

// --- Rendering -----------------------------------------------------------------------------

function renderMembers() {
  const tbody = $("members").querySelector("tbody");
  const rows = [...state.members.values()].sort((a, b) =>
    (a.id === state.self ? -1 : b.id === state.self ? 1 : 0) ||
    (state.names.get(a.id) || a.id).localeCompare(state.names.get(b.id) || b.id));
  tbody.replaceChildren(...rows.map((m) => {
    const tr = el("tr");
    tr.dataset.memberId = m.id;
    tr.dataset.status = m.status;
    if (m.id === state.selected) tr.classList.add("selected");
    tr.append(el("td", (state.names.get(m.id) || "") + (m.id === state.self ? " (this agent)" : "")),
              el("td", m.id.slice(0, 12), "mono"),
              el("td", m.address, "mono"),
              el("td", m.status, "status status-" + m.status),
              el("td", m.incarnation, "incarnation"));
    tr.addEventListener("click", () => selectMember(m.id));
    return tr;
  }));
  const alive = rows.filter((m) => m.status === "alive").length;
  $("member-count").textContent = `${alive} alive of ${rows.length} known`;
}

function renderStore() {
  const owner = state.selected;
  $("store-owner").textContent = owner === state.self ? "this member"
      : (state.names.get(owner) || (owner ? owner.slice(0, 12) : "?"));
  const tbody = $("store").querySelector("tbody");
  const keys = [...state.store.keys()].sort();
  tbody.replaceChildren(...keys.map((k) => {
    const item = state.store.get(k);
    const tr = el("tr");
    tr.dataset.key = k;
    tr.append(el("td", k, "mono"), el("td", item.value, "value"), el("td", item.version));
    return tr;
  }));
}

function renderEvents() {
  $("events").replaceChildren(...state.events.map((e) => {
    const li = el("li");
    li.dataset.kind = e.kind;
    li.append(el("span", e.time, "time"), el("span", e.text));
    return li;
  }));
}

function describe(e) {
  const who = (id) => state.names.get(id) || (id || "").slice(0, 8);
  switch (e.kind) {
    case "key_set": return `${who(e.member)}: ${e.key} = ${e.value} (v${e.version})`;
    case "key_deleted": return `${who(e.member)}: ${e.key} deleted`;
    case "overflow": return `${e.dropped} events lost; page refreshed`;
    default: return `${e.kind} ${who(e.member)} ${e.address || ""} inc ${e.incarnation ?? ""}`;
  }
}

function logEvent(e) {
  state.events.unshift({ kind: e.kind, time: new Date().toLocaleTimeString(), text: describe(e) });
  state.events.length = Math.min(state.events.length, MAX_EVENTS);
  renderEvents();
}

// --- Snapshots -----------------------------------------------------------------------------

async function loadHealth() {
  const r = await api("/v1/health");
  if (!r.body || !r.body.member) return;
  state.self = r.body.member.id;
  $("self").textContent = `${r.body.member.id.slice(0, 12)} @ ${r.body.member.address}` +
      ` · incarnation ${r.body.member.incarnation}`;
  const score = $("health-score");
  score.textContent = r.body.health_score;
  score.classList.toggle("unhealthy", r.body.health_score > 0);
  // accept_sealed and send_sealed are a rollout in progress (or one left half done): coloured.
  const encryption = $("encryption");
  encryption.textContent = r.body.encryption || "–";
  encryption.classList.toggle("unhealthy",
      r.body.encryption === "accept_sealed" || r.body.encryption === "send_sealed");
  const c = r.body.members;
  $("counts").textContent = `${c.alive} alive · ${c.suspect} suspect · ${c.dead} dead · ${c.left} left`;
}

async function loadMembers() {
  const [members, names] = await Promise.all([api("/v1/members"), api("/v1/search?key=name")]);
  if (members.ok) {
    state.members = new Map(members.body.members.map((m) => [m.id, m]));
    state.self = members.body.self;
  }
  if (names.ok) state.names = new Map(names.body.entries.map((e) => [e.member, e.value]));
  if (!state.selected) state.selected = state.self;
  renderMembers();
}

async function loadStore() {
  if (!state.selected) return;
  const path = state.selected === state.self ? "/v1/store"
      : `/v1/members/${state.selected}/store`;
  const r = await api(path);
  state.store = new Map();
  if (r.ok) for (const [k, item] of Object.entries(r.body.store)) state.store.set(k, item);
  renderStore();
}

async function refresh() {
  await loadHealth();
  await loadMembers();
  await loadStore();
}

function selectMember(id) {
  state.selected = id;
  renderMembers();
  loadStore();
}

// --- Live events ---------------------------------------------------------------------------

const STATUS_OF = {
  member_joined: "alive", member_alive: "alive", member_suspect: "suspect",
  member_dead: "dead", member_left: "left", member_evicted: "evicted",
};

function onEvent(e) {
  logEvent(e);
  if (e.kind in STATUS_OF) {
    const m = state.members.get(e.member) || { id: e.member };
    m.status = STATUS_OF[e.kind];
    m.incarnation = e.incarnation;
    m.address = e.address;
    state.members.set(e.member, m);
    renderMembers();
  } else if (e.kind === "member_reaped") {
    state.members.delete(e.member);
    renderMembers();
  } else if (e.kind === "key_set" || e.kind === "key_deleted") {
    if (e.key === "name") {
      if (e.kind === "key_set") state.names.set(e.member, e.value);
      else state.names.delete(e.member);
      renderMembers();
    }
    if (e.member === state.selected) {
      if (e.kind === "key_set") state.store.set(e.key, { value: e.value, version: e.version });
      else state.store.delete(e.key);
      renderStore();
    }
  } else if (e.kind === "overflow") {
    refresh();
  } else {
    loadHealth();  // this member's own lifecycle: joined, refuted...
  }
}

const KINDS = ["member_joined", "member_suspect", "member_alive", "member_dead", "member_left",
  "member_evicted", "member_reaped", "key_set", "key_deleted", "joined", "join_failed",
  "refuted", "rejoined", "conflict", "evicted", "overflow"];

function connect() {
  const stream = new EventSource("/v1/events");
  const indicator = $("stream-state");
  stream.onopen = () => {
    indicator.dataset.state = "live";
    indicator.textContent = "live";
    refresh();  // whatever happened while disconnected is in the snapshot
  };
  stream.onerror = () => {
    indicator.dataset.state = "connecting";
    indicator.textContent = "reconnecting";
  };
  for (const kind of KINDS) {
    stream.addEventListener(kind, (m) => {
      try { onEvent(JSON.parse(m.data)); } catch (err) { console.error(err); }
    });
  }
}

// --- Forms ---------------------------------------------------------------------------------

$("search-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const mode = $("search-mode").value;
  const text = $("search-text").value;
  const r = await api(`/v1/search?${mode}=${encodeURIComponent(text)}`);
  const tbody = $("search-results").querySelector("tbody");
  if (!r.ok) {
    const tr = el("tr");
    tr.append(el("td", r.body ? r.body.error : `HTTP ${r.status}`));
    tbody.replaceChildren(tr);
    return;
  }
  tbody.replaceChildren(...r.body.entries.map((e) => {
    const tr = el("tr");
    tr.append(el("td", state.names.get(e.member) || e.member.slice(0, 12)),
              el("td", e.key, "mono"), el("td", e.value, "value"), el("td", e.version));
    return tr;
  }));
});

$("put-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const key = $("put-key").value;
  const path = state.selected === state.self ? `/v1/store/${encodeURIComponent(key)}`
      : `/v1/members/${state.selected}/store/${encodeURIComponent(key)}`;
  const r = await api(path, { method: "PUT", body: $("put-value").value });
  $("put-result").textContent = r.ok ? `${r.body.status}, version ${r.body.item.version}`
      : (r.body ? r.body.error : `HTTP ${r.status}`);
});

connect();
setInterval(loadHealth, 2000);
