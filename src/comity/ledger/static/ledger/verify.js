// Checks, in the reader's browser, that each entry on the page is in the signed log:
// leaf hash = SHA-256(0x00 || leaf input), then the RFC 9162 §2.1.3.2 inclusion algorithm up to
// the root of the latest signed tree head. Web Crypto only; nothing is trusted but hashes.
(function () {
  "use strict";
  const button = document.getElementById("verify");
  if (!button) return;
  const status = document.getElementById("verify-status");
  const api = button.dataset.api;

  const b64ToBytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const leafHash = (input) => sha256(concat(new Uint8Array([0]), input));
  const nodeHash = (l, r) => sha256(concat(new Uint8Array([1]), l, r));
  const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

  async function rootFromProof(index, size, leaf, proof) {
    // RFC 9162 §2.1.3.2, with numbers small enough for JavaScript integers.
    if (index >= size) throw new Error(button.dataset.badProof);
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (sn === 0) throw new Error(button.dataset.badProof);
      if ((fn & 1) === 1 || fn === sn) {
        r = await nodeHash(p, r);
        while ((fn & 1) === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error(button.dataset.badProof);
    return r;
  }

  async function getJSON(path) {
    const response = await fetch(api + path, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(button.dataset.unreachable + " (HTTP " + response.status + ")");
    return response.json();
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    const rows = Array.from(document.querySelectorAll("tr[data-leaf]"));
    let ok = 0;
    try {
      const head = await getJSON("/sth");
      const lines = (head.checkpoint || "").split("\n");
      if (lines[1] !== String(head.tree_size) || lines[2] !== head.root_hash) {
        throw new Error(button.dataset.mismatch);
      }
      const root = b64ToBytes(head.root_hash);
      status.textContent = "…";
      for (const row of rows) {
        const cell = row.querySelector(".check");
        const index = Number(row.dataset.leaf);
        try {
          const entries = await getJSON(`/entries?start=${index}&end=${index}`);
          const leaf = await leafHash(b64ToBytes(entries.entries[0].leaf_input));
          const proof = await getJSON(`/proof/inclusion?leaf_index=${index}&tree_size=${head.tree_size}`);
          const computed = await rootFromProof(index, head.tree_size, leaf, proof.audit_path.map(b64ToBytes));
          if (!equal(computed, root)) throw new Error(button.dataset.wrongRoot);
          cell.textContent = "✓";
          cell.className = "check verified";
          ok += 1;
        } catch (error) {
          cell.textContent = "✗ " + error.message;
          cell.className = "check failed";
        }
      }
      // The page's own words, in its language (the template translates them; no script is inline).
      status.textContent = button.dataset.done
        .replace("%(ok)s", ok).replace("%(total)s", rows.length).replace("%(size)s", head.tree_size);
      status.className = ok === rows.length ? "verified" : "failed";
    } catch (error) {
      status.textContent = button.dataset.failed + " " + error.message;
      status.className = "failed";
    } finally {
      button.disabled = false;
    }
  });
})();
