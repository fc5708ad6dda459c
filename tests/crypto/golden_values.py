#!/usr/bin/env python3
"""Golden values of the crypto tests (crypto_test_support.hpp, sealer_test.cpp), computed without
libsodium: BLAKE2b from Python's hashlib, XChaCha20-Poly1305 from HChaCha20 written out here and
pyca/cryptography's ChaCha20-Poly1305 (Debian's python3-cryptography). Not run by the tests; run
it to check or regenerate what they hard-code.

    python3 tests/crypto/golden_values.py
"""
import base64
import hashlib
import struct

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305


def key_id(key):
    return hashlib.blake2b(b"convoy key id" + key, digest_size=16).digest()[:4]


def cluster_tag(name):
    return hashlib.blake2b(name, digest_size=16).digest()[:4]


def rotl(v, c):
    return ((v << c) & 0xFFFFFFFF) | (v >> (32 - c))


def quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = rotl(s[b] ^ s[c], 7)


def hchacha20(key, nonce16):
    s = (list(struct.unpack("<4I", b"expand 32-byte k")) + list(struct.unpack("<8I", key)) +
         list(struct.unpack("<4I", nonce16)))
    for _ in range(10):
        quarter_round(s, 0, 4, 8, 12); quarter_round(s, 1, 5, 9, 13)
        quarter_round(s, 2, 6, 10, 14); quarter_round(s, 3, 7, 11, 15)
        quarter_round(s, 0, 5, 10, 15); quarter_round(s, 1, 6, 11, 12)
        quarter_round(s, 2, 7, 8, 13); quarter_round(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


def xchacha20poly1305_seal(key, nonce24, plaintext, ad):
    subkey = hchacha20(key, nonce24[:16])
    return ChaCha20Poly1305(subkey).encrypt(b"\0" * 4 + nonce24[16:], plaintext, ad)


def check_against_draft_vectors():
    # draft-irtf-cfrg-xchacha-03, 2.2.1 (HChaCha20) and A.3.1 (the AEAD).
    assert hchacha20(bytes(range(32)), bytes.fromhex("000000090000004a0000000031415927")).hex() == \
        "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc"
    plaintext = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                 b"for the future, sunscreen would be it.")
    sealed = xchacha20poly1305_seal(bytes(range(0x80, 0xA0)),
                                    bytes.fromhex("404142434445464748494a4b4c4d4e4f5051525354555657"),
                                    plaintext, bytes.fromhex("50515253c0c1c2c3c4c5c6c7"))
    assert sealed[-16:].hex() == "c0875924c1c7987947deafd8780acf49"


def first_collision(make, digest):
    seen = {}
    i = 0
    while True:
        d = digest(make(i))
        if d in seen:
            return seen[d], i, d
        seen[d] = i
        i += 1


def main():
    check_against_draft_vectors()
    counting = bytes(range(32))
    print("counting key base64:", base64.b64encode(counting).decode())
    print("counting key id:    ", key_id(counting).hex())
    print("all-ones key id:    ", key_id(b"\xff" * 32).hex())
    print("all-zeros key id:   ", key_id(bytes(32)).hex())
    print('tag of "convoy":    ', cluster_tag(b"convoy").hex())

    a, b, d = first_collision(lambda i: struct.pack("<Q", i) + bytes(24), key_id)
    print(f"numbered keys {a} and {b} share the id {d.hex()}")
    a, b, d = first_collision(lambda i: b"cluster-%d" % i, cluster_tag)
    print(f'names "cluster-{a}" and "cluster-{b}" share the tag {d.hex()}')

    name = b"convoy"
    nonce = bytes(range(0xA0, 0xB0)) + struct.pack(">Q", 7)
    header = b"CNVS" + bytes([1]) + cluster_tag(name) + key_id(counting) + nonce
    packet = header + xchacha20poly1305_seal(counting, nonce, b"hello, convoy", header + name)
    print("independent packet: ", packet.hex())


if __name__ == "__main__":
    main()
