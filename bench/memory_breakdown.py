"""Where W7's bytes go: loads the W3 graph as `cypher_bench.py --w7-child graphplex` does, then walks the in-memory
storage and adds up `sys.getsizeof` of each object it reaches once (shared objects count once, where first met),
per structure, in bytes per element (node + relationship), per node and per relationship.

    python bench/memory_breakdown.py [--scale 0.2]

The first line is the RSS growth per element (what W7 reports); the walk's total is lower: it leaves out the
memory allocator's slack, what the load freed but the process kept, and the plan cache. It reads the storage's
structures in their current layout and in the one before issue 18's W7 work (dicts everywhere), so the same
script measures both sides of an A/B.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.cypher_bench import GraphplexEngine, load_w3, proc_status_mb, sizes_for, w3_data  # noqa: E402


def walk(storage) -> Counter:
    """Bytes per structure of an in-memory storage."""
    seen: set[int] = set()
    sizes: Counter = Counter()

    def count(structure: str, *objects) -> None:
        for obj in objects:
            if id(obj) not in seen:
                seen.add(id(obj))
                sizes[structure] += sys.getsizeof(obj)

    for name in ("vertices", "edges"):
        table = getattr(storage, name)
        count(f"storage.{name} (gid → entity)", table)
        if hasattr(table, "_slots"):  # an EntityTable: its list
            count(f"storage.{name} (gid → entity)", table._slots)
    for vertex in storage.vertices.values():
        count("node ids (int)", vertex.gid)
        count("Vertex objects", vertex)
        version = vertex.head
        while version is not None:
            count("node versions", version)
            count("node property maps", version.props)
            count("node property values", *version.props.values())
            version = version.older
        for adjacency in (vertex.out, vertex.inc):
            if adjacency:
                count("adjacency: per-node type maps", adjacency)
                count("adjacency: buckets", *adjacency.values())
    for edge in storage.edges.values():
        count("relationship ids (int)", edge.gid)
        count("Edge objects", edge)
        version = edge.head
        while version is not None:
            count("relationship versions", version)
            count("relationship property maps", version.props)
            version = version.older
    indexes = storage.indexes
    count("label lookup", *(members for members in indexes.vertices_by_label.values() if type(members) is dict))
    count("type lookup", *(members for members in indexes.edges_by_type.values() if type(members) is dict))
    for index in indexes.by_name.values():
        count("property index: key → entities", index.entries)
        count("property index: keys", *index.entries)
        count("property index: per-key sets", *(bucket for bucket in index.entries.values() if type(bucket) is dict))
        ordered = index.sorted_keys
        count("property index: ordered keys", ordered, ordered._lists, ordered._maxes, ordered._index,
              *ordered._lists)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.2)
    args = parser.parse_args()
    sizes = sizes_for(args.scale)
    node_batches, rel_batches, _ = w3_data(sizes)
    GraphplexEngine(index=False)  # imports and warms up before the baseline, as the W7 child does
    engine = GraphplexEngine(index=True)
    gc.collect()
    before = proc_status_mb("VmRSS", "self")
    load_w3(engine, node_batches, rel_batches)
    gc.collect()
    nodes, rels = sizes.nodes, sizes.rels
    elements = nodes + rels
    print(f"RSS growth: {(proc_status_mb('VmRSS', 'self') - before) * 1024 * 1024 / elements:.1f} bytes per element "
          f"({nodes} nodes, {rels} relationships)")
    sizes_by_structure = walk(engine.db.storage)
    print(f"{'structure':42} {'B/element':>10} {'B/node':>9} {'B/rel':>8}")
    for structure, size in sizes_by_structure.items():
        print(f"{structure:42} {size / elements:10.1f} {size / nodes:9.1f} {size / rels:8.1f}")
    total = sum(sizes_by_structure.values())
    print(f"{'total walked':42} {total / elements:10.1f}")


if __name__ == "__main__":
    main()
