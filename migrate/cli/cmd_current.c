/*
 * migrate current [-v]: the database's revision(s), and any half-applied
 * revision with the command that finishes it.
 *
 * JSON: {"heads": [{"revision", "message", "is_head"}], "partial": null |
 *        {"revision", "direction", "statements_done"}}
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/run_common.h"

static int cmd_current(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_current = {
	"current", cmd_current, 0, "Show the database's current revision(s).", 1,
};

static int cmd_current(mg_cli *cli, int argc, char **argv)
{
	mg_run r = { 0 };
	int verbose = 0, rc;
	mg_revlist heads = MG_REVLIST_INIT;
	mg_exec_partial partial;
	const mg_cli_opt opts[] = {
		{ MG_OPT_FLAG, "verbose", 'v', &verbose, NULL, "show each revision's message and whether it is a head", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_current, argc, argv, opts)) != MG_OK)
		return rc;
	if ((rc = mg_run_prepare(&r, cli)) != MG_OK)
		return mg_run_finish(&r, rc, NULL);
	rc = mg_exec_current(cli->db, cli->graph, &r.opts, &heads, &partial, &cli->err);
	if (rc == MG_OK && cli->format == MG_FORMAT_JSON) {
		json_t *list = json_array(), *doc;
		char *text;
		for (size_t i = 0; i < heads.len; i++)
			json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "revision", heads.items[i]->id,
							      "message", heads.items[i]->message,
							      "is_head", heads.items[i]->is_head));
		doc = json_pack("{s:o, s:o}", "heads", list, "partial",
				partial.rev ? json_pack("{s:s, s:s, s:i}", "revision", partial.rev->id, "direction",
							partial.upgrade ? "upgrade" : "downgrade", "statements_done",
							partial.statements_done)
					    : json_null());
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", text);
		free(text);
		json_decref(doc);
	} else if (rc == MG_OK) {
		if (verbose) {
			char *shown = mg_url_redact(cli->config.url);
			printf("Current revision(s) for %s:\n", shown);
			free(shown);
		}
		for (size_t i = 0; i < heads.len; i++) {
			const mg_revision *rev = heads.items[i];
			if (verbose)
				printf("%s%s\n    %s\n", rev->id, rev->is_head ? " (head)" : " (not a head of the graph)",
				       rev->message);
			else
				printf("%s%s\n", rev->id, rev->is_head ? " (head)" : "");
		}
		if (partial.rev)
			printf("%s of %s is half-applied: %d statement%s ran and %s recorded.\n"
			       "  Fix the failing statement and run 'migrate %s %s' to finish it, or undo\n"
			       "  what ran by hand and run 'migrate stamp %s' to settle the version table.\n",
			       partial.upgrade ? "upgrade" : "downgrade", partial.rev->id, partial.statements_done,
			       partial.statements_done == 1 ? "" : "s", partial.statements_done == 1 ? "is" : "are",
			       partial.upgrade ? "upgrade" : "downgrade", partial.rev->id,
			       heads.len == 0 ? "base" : heads.len == 1 ? heads.items[0]->id : "REV (each revision above)");
	}
	mg_revlist_release(&heads);
	return mg_run_finish(&r, rc, NULL);
}
