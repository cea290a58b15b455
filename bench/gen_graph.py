#!/usr/bin/env python3
"""Generates a team-like migrate project with N SQL revisions.

The trunk advances one revision at a time; about every 50 revisions a
second line of work branches off and is merged back about 10 revisions
later (a two-parent merge revision), as teams working in parallel do.
Writes DIR/migrate.ini and DIR/versions/<rev>_<slug>.sql.

usage: gen_graph.py N DIR
"""
import os
import random
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(n)
    versions = os.path.join(out, "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(out, "migrate.ini"), "w") as f:
        f.write("[migrate]\nscript_location = %(here)s\n"
                "version_locations = %(here)s/versions\n\n"
                "[db:dev]\nurl = sqlite:///%(here)s/dev.db\n")
    ids = []
    used = set()
    trunk = None     # tip of the main line
    side = None      # tip of the open side branch
    side_merge_at = None
    for i in range(n):
        rid = "%012x" % rnd.getrandbits(48)
        while rid in used:
            rid = "%012x" % rnd.getrandbits(48)
        used.add(rid)
        if side is not None and i == side_merge_at:
            parents = [trunk, side]
            side = None
            trunk = rid
        elif side is None and i % 50 == 25 and trunk is not None and i + 12 < n:
            parents = [trunk]       # a branch off the trunk tip
            side = rid
            side_merge_at = i + 10
        elif side is not None and i % 3 == 0:
            parents = [side]        # work continues on the branch
            side = rid
        else:
            parents = [trunk] if trunk else []
            trunk = rid
        ids.append(rid)
        lines = ["-- migrate:revision %s" % rid]
        if parents:
            lines.append("-- migrate:revises %s" % ", ".join(parents))
        lines.append("-- migrate:message Step %d of the schema" % i)
        lines.append("-- migrate:created 2026-01-01T00:00:%02dZ" % (i % 60))
        lines.append("")
        lines.append("-- migrate:upgrade")
        lines.append("CREATE TABLE t_%d (id integer PRIMARY KEY, name varchar(50));" % i)
        lines.append("")
        lines.append("-- migrate:downgrade")
        lines.append("DROP TABLE t_%d;" % i)
        with open(os.path.join(versions, "%s_step_%d.sql" % (rid, i)), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
