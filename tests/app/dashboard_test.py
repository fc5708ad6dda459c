#!/usr/bin/env python3
"""The dashboard in a real browser (headless Chromium driven by Selenium) against a live
3-agent cluster on 127.0.0.1: the page lists the three members alive, a key put through the API
appears on the page, another member's store shows on a click, the search box finds every
member's name, the health score and the encryption stage are shown, and an agent killed with SIGKILL turns dead on the
page — all from the event stream and the API, with no JavaScript error in the console.

Skipped (exit 77) only where Chromium, its driver or Selenium is not installed.

usage: dashboard_test.py CONVOY_BINARY
"""
import os
import shutil
import sys
import tempfile

from convoy_harness import check, run, wait_until

SKIP = 77
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    print("SKIP: python3-selenium is not installed (scripts/setup installs it)")
    sys.exit(SKIP)
if not (os.access(CHROMIUM, os.X_OK) and os.access(DRIVER, os.X_OK)):
    print("SKIP: chromium or chromedriver is not installed (scripts/setup installs them)")
    sys.exit(SKIP)


def browser(profile_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", f"--user-data-dir={profile_dir}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def rows(driver):
    return {r.get_attribute("data-member-id"): r
            for r in driver.find_elements(By.CSS_SELECTOR, "#members tbody tr")}


def status_on_page(driver, member_id):
    r = rows(driver).get(member_id)
    return r.get_attribute("data-status") if r else None


def test(h):
    a, b, c = h.cluster(3)
    profile = tempfile.mkdtemp(prefix="convoy-chromium-")
    driver = browser(profile)
    try:
        driver.set_page_load_timeout(30)
        driver.get(a.url + "/")
        check(driver.title == "Convoy", driver.title)
        wait_until("three members alive on the page",
                   lambda: all(status_on_page(driver, m.id) == "alive" for m in (a, b, c)), 30)
        wait_until("the live indicator",
                   lambda: driver.find_element(By.ID, "stream-state").get_attribute("data-state")
                   == "live", 20)
        check(len(rows(driver)) == 3, "not three rows")
        wait_until("the health score",
                   lambda: driver.find_element(By.ID, "health-score").text.isdigit(), 20)
        wait_until("the encryption stage beside it",
                   lambda: driver.find_element(By.ID, "encryption").text == "off", 20)

        # A key put through the API appears in this member's store and in the events.
        check(a.put("/v1/store/dash-key", "hello dashboard").status == 200, "put")
        wait_until("the key in the store panel",
                   lambda: "hello dashboard" in driver.find_element(By.ID, "store").text, 20)
        wait_until("the key in the recent events",
                   lambda: "dash-key" in driver.find_element(By.ID, "events").text, 20)

        # Another member's store, on a click; its keys arrive live too.
        rows(driver)[b.id].click()
        wait_until("b's store shown",
                   lambda: "agent-2" in driver.find_element(By.ID, "store").text, 20)
        b.put("/v1/store/b-key", "from b")
        wait_until("b's new key shown",
                   lambda: "from b" in driver.find_element(By.ID, "store").text, 20)

        # The search box.
        driver.find_element(By.ID, "search-text").send_keys("name")
        driver.find_element(By.CSS_SELECTOR, "#search-form button").click()
        wait_until("three names found", lambda: len(driver.find_elements(
            By.CSS_SELECTOR, "#search-results tbody tr")) == 3, 20)

        # A killed agent turns dead on the page.
        c.kill()
        wait_until("the killed agent dead on the page",
                   lambda: status_on_page(driver, c.id) == "dead", 40)
        check(rows(driver)[c.id].find_element(By.CSS_SELECTOR, ".status").text == "dead",
              "status text")
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"
                  and "favicon" not in e["message"]]
        check(not errors, f"JavaScript errors: {errors}")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    run(test)
