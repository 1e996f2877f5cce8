"""RFC 9162 hashing and proofs against the Certificate Transparency vectors and random trees."""

import base64
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.ledger import merkle

VECTORS = Path(__file__).resolve().parents[4].parent / "shared" / "ct-vectors"
# The leaves behind the vectors' happy paths (README of the vectors).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]


def b64(values):
    return [base64.b64decode(v) for v in values or []]


def vectors(kind: str) -> list[tuple[str, dict]]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert files, f"no vectors under {VECTORS / kind}"
    return [(str(path.relative_to(VECTORS)), json.loads(path.read_text())) for path in files]


@pytest.mark.parametrize(
    ("name", "vector"), vectors("inclusion"), ids=lambda v: v if isinstance(v, str) else ""
)
def test_inclusion_vectors(name, vector):
    def check():
        merkle.verify_inclusion(
            vector["leafIdx"],
            vector["treeSize"],
            base64.b64decode(vector["leafHash"]),
            b64(vector["proof"]),
            base64.b64decode(vector["root"]),
        )

    if vector["wantErr"]:
        with pytest.raises(merkle.ProofError):
            check()
    else:
        check()


@pytest.mark.parametrize(
    ("name", "vector"), vectors("consistency"), ids=lambda v: v if isinstance(v, str) else ""
)
def test_consistency_vectors(name, vector):
    def check():
        merkle.verify_consistency(
            vector["size1"],
            vector["size2"],
            base64.b64decode(vector["root1"]),
            base64.b64decode(vector["root2"]),
            b64(vector["proof"]),
        )

    if vector["wantErr"]:
        with pytest.raises(merkle.ProofError):
            check()
    else:
        check()


def test_vector_counts_cover_both_outcomes():
    for kind in ("inclusion", "consistency"):
        outcomes = [v["wantErr"] for _n, v in vectors(kind)]
        assert True in outcomes and False in outcomes


def test_known_root_of_the_eight_leaves():
    hashes = [merkle.leaf_hash(leaf) for leaf in LEAVES]
    expected = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    assert merkle.root_of_leaves(hashes).hex() == expected
    nodes = merkle.build_nodes(hashes)
    assert merkle.range_hash(0, 8, nodes.__getitem__).hex() == expected


def test_our_proofs_equal_the_vectors_happy_paths():
    hashes = [merkle.leaf_hash(leaf) for leaf in LEAVES]
    nodes = merkle.build_nodes(hashes)
    for _name, v in vectors("inclusion"):
        if not v["wantErr"] and v["treeSize"] <= len(LEAVES):
            ours = [
                merkle.range_hash(a, b, nodes.__getitem__)
                for a, b in merkle.inclusion_ranges(v["leafIdx"], v["treeSize"])
            ]
            assert ours == b64(v["proof"])
    for _name, v in vectors("consistency"):
        if not v["wantErr"] and 0 < v["size1"] < v["size2"] <= len(LEAVES):
            ours = [
                merkle.range_hash(a, b, nodes.__getitem__)
                for a, b in merkle.consistency_ranges(v["size1"], v["size2"])
            ]
            assert ours == b64(v["proof"])


def tree(size: int) -> tuple[list[bytes], dict]:
    hashes = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    return hashes, merkle.build_nodes(hashes)


def flip(values: list[bytes], item: int, bit: int) -> list[bytes]:
    value = bytearray(values[item])
    value[bit // 8] ^= 1 << (bit % 8)
    return [*values[:item], bytes(value), *values[item + 1 :]]


@settings(max_examples=150, deadline=None)
@given(size=st.integers(1, 3000), data=st.data())
def test_every_inclusion_proof_verifies_and_any_flipped_bit_fails(size, data):
    hashes, nodes = tree(size)
    root = merkle.range_hash(0, size, nodes.__getitem__)
    assert root == merkle.root_of_leaves(hashes)
    index = data.draw(st.integers(0, size - 1))
    proof = [merkle.range_hash(a, b, nodes.__getitem__) for a, b in merkle.inclusion_ranges(index, size)]
    merkle.verify_inclusion(index, size, hashes[index], proof, root)
    target = data.draw(st.sampled_from(["leaf", "root"] + (["proof"] if proof else [])))
    bit = data.draw(st.integers(0, 255))
    with pytest.raises(merkle.ProofError):
        if target == "leaf":
            merkle.verify_inclusion(index, size, flip([hashes[index]], 0, bit)[0], proof, root)
        elif target == "root":
            merkle.verify_inclusion(index, size, hashes[index], proof, flip([root], 0, bit)[0])
        else:
            item = data.draw(st.integers(0, len(proof) - 1))
            merkle.verify_inclusion(index, size, hashes[index], flip(proof, item, bit), root)


@settings(max_examples=150, deadline=None)
@given(second=st.integers(1, 3000), data=st.data())
def test_every_consistency_proof_verifies_and_any_flipped_bit_fails(second, data):
    _hashes, nodes = tree(second)
    first = data.draw(st.integers(1, second))
    first_root = merkle.range_hash(0, first, nodes.__getitem__)
    second_root = merkle.range_hash(0, second, nodes.__getitem__)
    proof = (
        []
        if first == second
        else [merkle.range_hash(a, b, nodes.__getitem__) for a, b in merkle.consistency_ranges(first, second)]
    )
    merkle.verify_consistency(first, second, first_root, second_root, proof)
    if first == second:
        return
    target = data.draw(st.sampled_from(["first", "second", "proof"]))
    bit = data.draw(st.integers(0, 255))
    with pytest.raises(merkle.ProofError):
        if target == "first":
            merkle.verify_consistency(first, second, flip([first_root], 0, bit)[0], second_root, proof)
        elif target == "second":
            merkle.verify_consistency(first, second, first_root, flip([second_root], 0, bit)[0], proof)
        else:
            item = data.draw(st.integers(0, len(proof) - 1))
            merkle.verify_consistency(first, second, first_root, second_root, flip(proof, item, bit))


@settings(max_examples=50, deadline=None)
@given(size=st.integers(1, 3000), data=st.data())
def test_proofs_read_logarithmically_many_nodes(size, data):
    index = data.draw(st.integers(0, size - 1))
    first = data.draw(st.integers(1, size))
    bound = 2 * size.bit_length() + 2
    assert len(merkle.nodes_for(merkle.inclusion_ranges(index, size))) <= bound
    if first < size:
        assert len(merkle.nodes_for(merkle.consistency_ranges(first, size))) <= bound
