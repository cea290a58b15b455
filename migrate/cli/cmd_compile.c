/*
 * migrate compile [--output PATH]: every C revision of the graph compiled
 * ahead of time into one shared object (a bundle) and its manifest, for
 * deploy hosts without a C compiler (<migrate/bundle.h>). Output: --output,
 * else the config's `bundle` (the path upgrade/downgrade load from), else
 * <script_location>/migrate-bundle.so; the manifest goes beside it (.json).
 *
 * Text: one line per revision "Compiled ID (FILE)", then
 * "Wrote BUNDLE (N C revisions), manifest MANIFEST".
 * JSON: {"bundle": PATH, "manifest": PATH,
 *        "revisions": [{"revision": ID, "file": PATH, "content_hash": HASH}, ...]}
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "migrate/bundle.h"
#include "util/buf.h"

static int cmd_compile(mg_cli *cli, int argc, char **argv);

const mg_command mg_cmd_compile = {
	"compile", cmd_compile, MG_NEEDS_CONFIG | MG_NEEDS_GRAPH,
	"Compile every C revision into one bundle, for hosts without a compiler.", 1,
};

static int cmd_compile(mg_cli *cli, int argc, char **argv)
{
	const char *output = NULL;
	mg_buf dflt = MG_BUF_INIT;
	mg_bundle_result res;
	int rc;
	const mg_cli_opt opts[] = {
		{ MG_OPT_STRING, "output", 'o', &output, "PATH",
		  "the bundle to write (default: 'bundle' in migrate.ini, else "
		  "<script_location>/migrate-bundle.so); the manifest goes beside it as .json", 0 },
		{ MG_OPT_END, NULL, 0, NULL, NULL, NULL, 0 },
	};

	if ((rc = mg_cli_parse(cli, &mg_cmd_compile, argc, argv, opts)) != MG_OK)
		return rc;
	if ((rc = mg_cli_need_graph(cli)) != MG_OK)
		return rc;
	if ((!output || !*output) && cli->config.bundle)
		output = cli->config.bundle;
	if (!output || !*output) {
		const char *loc = cli->config.script_location;
		mg_buf_printf(&dflt, "%s%smigrate-bundle.so", loc, strcmp(loc, "/") == 0 ? "" : "/");
		output = dflt.ptr;
	}
	rc = mg_bundle_build(cli->graph, output, &res, &cli->err);
	if (rc == MG_OK && cli->format == MG_FORMAT_JSON) {
		json_t *revs = json_array(), *doc;
		char *text;
		for (size_t i = 0; i < res.n; i++)
			json_array_append_new(revs, json_pack("{s:s, s:s, s:s}", "revision", res.entries[i].rev->id, "file",
							      res.entries[i].rev->path, "content_hash",
							      res.entries[i].content_hash));
		doc = json_pack("{s:s, s:s, s:o}", "bundle", output, "manifest", res.manifest, "revisions", revs);
		text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fprintf(cli->out, "%s\n", text);
		free(text);
		json_decref(doc);
	} else if (rc == MG_OK && !cli->quiet) {
		for (size_t i = 0; i < res.n; i++)
			fprintf(cli->out, "Compiled %s (%s)\n", res.entries[i].rev->id, res.entries[i].rev->path);
		fprintf(cli->out, "Wrote %s (%zu C revision%s), manifest %s\n", output, res.n, res.n == 1 ? "" : "s",
			res.manifest);
	}
	mg_bundle_result_release(&res);
	mg_buf_release(&dflt);
	return rc;
}
