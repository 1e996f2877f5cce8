// An independent check of a Comity transparency log, written against Go's reference
// implementations of signed notes and transparency logs (golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog), sharing no code with Comity.
//
// Usage: go run ledger_verify.go URL VERIFIER_KEY
//
// It verifies the checkpoint's Ed25519 signature, recomputes the tree from the leaf inputs
// served by /entries, and checks the server's inclusion and consistency proofs.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func get(url string) []byte {
	resp, err := http.Get(url)
	if err != nil {
		fail("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		fail("GET %s: status %d %v", url, resp.StatusCode, err)
	}
	return body
}

func decodeHashes(values []string) []tlog.Hash {
	hashes := make([]tlog.Hash, len(values))
	for i, v := range values {
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(raw) != tlog.HashSize {
			fail("bad hash %q", v)
		}
		copy(hashes[i][:], raw)
	}
	return hashes
}

func main() {
	if len(os.Args) != 3 {
		fail("usage: ledger_verify URL VERIFIER_KEY")
	}
	base := strings.TrimRight(os.Args[1], "/") + "/api/v1/ledger"
	verifier, err := note.NewVerifier(strings.TrimSpace(os.Args[2]))
	if err != nil {
		fail("verifier key: %v", err)
	}

	// 1. The checkpoint: a signed note whose text is origin, size and base64 root hash.
	msg, err := note.Open(get(base+"/checkpoint"), note.VerifierList(verifier))
	if err != nil {
		fail("checkpoint signature: %v", err)
	}
	lines := strings.Split(msg.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		fail("checkpoint text %q", msg.Text)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 1 {
		fail("checkpoint size %q", lines[1])
	}
	root := decodeHashes([]string{lines[2]})[0]

	// 2. Every leaf input, hashed and stored as tlog stores a tree.
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, index := range indexes {
			out[i] = stored[index]
		}
		return out, nil
	})
	leafHashes := make([]tlog.Hash, 0, size)
	for start := int64(0); start < size; {
		var page struct {
			Entries []struct {
				LeafIndex int64  `json:"leaf_index"`
				LeafInput string `json:"leaf_input"`
			} `json:"entries"`
		}
		if err := json.Unmarshal(get(fmt.Sprintf("%s/entries?start=%d&end=%d", base, start, size-1)), &page); err != nil {
			fail("entries: %v", err)
		}
		if len(page.Entries) == 0 {
			fail("no entries from %d", start)
		}
		for _, e := range page.Entries {
			if e.LeafIndex != start {
				fail("entry %d where %d was expected", e.LeafIndex, start)
			}
			data, err := base64.StdEncoding.DecodeString(e.LeafInput)
			if err != nil {
				fail("leaf input %d: %v", start, err)
			}
			hashes, err := tlog.StoredHashes(start, data, reader)
			if err != nil {
				fail("storing leaf %d: %v", start, err)
			}
			stored = append(stored, hashes...)
			leafHashes = append(leafHashes, tlog.RecordHash(data))
			start++
		}
	}
	computed, err := tlog.TreeHash(size, reader)
	if err != nil || computed != root {
		fail("the root recomputed from the entries (%v) is not the signed root (%v)", computed, root)
	}

	// 3. The server's inclusion proofs for every leaf, and consistency proofs from every smaller size.
	for leaf := int64(0); leaf < size; leaf++ {
		var proof struct {
			AuditPath []string `json:"audit_path"`
		}
		if err := json.Unmarshal(get(fmt.Sprintf("%s/proof/inclusion?leaf_index=%d&tree_size=%d", base, leaf, size)), &proof); err != nil {
			fail("inclusion proof %d: %v", leaf, err)
		}
		if err := tlog.CheckRecord(decodeHashes(proof.AuditPath), size, root, leaf, leafHashes[leaf]); err != nil {
			fail("inclusion proof of leaf %d: %v", leaf, err)
		}
	}
	for first := int64(1); first < size; first++ {
		var proof struct {
			Consistency []string `json:"consistency"`
		}
		if err := json.Unmarshal(get(fmt.Sprintf("%s/proof/consistency?first=%d&second=%d", base, first, size)), &proof); err != nil {
			fail("consistency proof %d: %v", first, err)
		}
		old, err := tlog.TreeHash(first, reader)
		if err != nil {
			fail("tree hash %d: %v", first, err)
		}
		if err := tlog.CheckTree(decodeHashes(proof.Consistency), size, root, first, old); err != nil {
			fail("consistency proof %d -> %d: %v", first, size, err)
		}
	}
	fmt.Printf("OK %d entries, root %s, signature by %s, %d inclusion and %d consistency proofs\n",
		size, lines[2], verifier.Name(), size, size-1)
}
