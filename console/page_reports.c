/*
 * page_reports: GET /reports (the complete PDFs in the reports directory,
 * where report runs wrote theirs, and the form to render a month), GET
 * /reports/files/{name} (one PDF, never one still being written) and POST
 * /reports/render.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console/pages.h"
#include "console/actions.h"
#include "console/data.h"
#include "console/form.h"
#include "console/page.h"
#include "console/state.h"
#include "console/web.h"
#include "lib/timeutil.h"

void page_reports(struct console *c, struct request *rq, struct response *rs)
{
	char err[512], month[16];
	struct buf *b = &rs->body;
	cJSON *data = data_reports(c, err, sizeof(err));
	const cJSON *f;

	if (!data)
		return page_error(c, rq, rs, 500, "Cannot list reports", err);
	page_begin(c, rq, b, "Reports", "reports");
	P(b, "<h1>Reports</h1>\n");
	page_notes(b, data);
	P(b, "<section><h2>Monthly PDFs</h2><table class=\"reports stack\"><thead><tr><th>File</th>"
	     "<th class=\"num\">Size</th><th>Written</th></tr></thead><tbody>\n");
	cJSON_ArrayForEach(f, item(data, "files")) {
		P(b, "<tr><td data-label=\"File\"><a href=\"/reports/files/");
		html_urlencode(b, str_of(f, "name"));
		P(b, "\">");
		E(b, str_of(f, "name"));
		P(b, "</a></td><td class=\"num\">");
		buf_printf(b, "%.0f KiB", ceil(num_of(f, "size") / 1024));
		P(b, "</td><td>");
		page_when(c, b, str_of(f, "modified_at"));
		P(b, "</td></tr>\n");
	}
	if (cJSON_GetArraySize(item(data, "files")) == 0)
		P(b, "<tr><td colspan=\"3\" class=\"muted\">No reports yet.</td></tr>\n");
	P(b, "</tbody></table><p class=\"hint\" data-testid=\"reports-dir\">Directory: <code>");
	E(b, str_of(data, "directory_path"));
	P(b, "</code> <span class=\"muted\">(--reports-dir or DWHBI_REPORTS_DIR; by default the "
	     "directory serve runs in, where <code>dwhbi run monthly</code> writes)</span>");
	if (num_of(data, "incomplete") > 0)
		buf_printf(b, " · %.0f file(s) still being written (or not complete PDFs) are not listed",
			   num_of(data, "incomplete"));
	P(b, "</p></section>\n");
	if (cJSON_GetArraySize(item(data, "written_by_runs")) > 0) {
		P(b, "<section><h2>Written by report runs</h2><p class=\"hint\">Where each "
		     "<code>dwhbi report</code> run wrote its file (relative paths are relative to where "
		     "that run was started).</p><table class=\"written stack\"><thead><tr><th class=\"num\">Run</th>"
		     "<th>File</th><th>Finished</th></tr></thead><tbody>\n");
		cJSON_ArrayForEach(f, item(data, "written_by_runs")) {
			buf_printf(b, "<tr><td class=\"num\" data-label=\"Run\"><a href=\"/runs/%.0f\">#%.0f</a></td>"
				   "<td data-label=\"File\"><code>", num_of(f, "run_id"), num_of(f, "run_id"));
			E(b, str_of(f, "output"));
			P(b, "</code></td><td data-label=\"Finished\">");
			page_when(c, b, str_of(f, "finished_at"));
			P(b, "</td></tr>\n");
		}
		P(b, "</tbody></table></section>\n");
	}
	P(b, "<section><h2>Render a month</h2>");
	if (cJSON_IsTrue(item(data, "rendering")))
		P(b, "<p class=\"note\" data-status=\"running\">A report is being rendered…</p>");
	if (rq->session || rq->bearer) {
		time_last_month(c->zone, month, sizeof(month));
		P(b, "<form method=\"post\" action=\"/reports/render\" class=\"render\">");
		page_csrf_field(rq, b);
		P(b, "<label>Month <input type=\"month\" name=\"month\" required "
		     "pattern=\"[0-9]{4}-[0-9]{2}\" value=\"");
		E(b, month);
		P(b, "\"></label> <button type=\"submit\" class=\"primary\" data-testid=\"render\">"
		     "Render PDF</button></form>\n");
	} else {
		page_login_hint(rq, b, "/reports", "render a report");
	}
	P(b, "</section>\n");
	page_end(c, b);
	resp_html(rs, 200);
	cJSON_Delete(data);
}

void page_report_file(struct console *c, struct request *rq, struct response *rs,
		      const char *name)
{
	char path[1400];
	struct stat st;
	int fd;

	if (!form_valid_report_name(name))
		return page_error(c, rq, rs, 404, "Not found", "no such report");
	snprintf(path, sizeof(path), "%s/%s", c->reports_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return page_error(c, rq, rs, 404, "Not found", "no such report");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return page_error(c, rq, rs, 404, "Not found", "no such report");
	}
	if (!data_pdf_complete(path, (long long)st.st_size)) {
		close(fd);
		return page_error(c, rq, rs, 404, "Not found",
				  "this report is still being written: try again in a moment");
	}
	rs->status = 200;
	rs->content_type = "application/pdf";
	rs->file_fd = fd;
	rs->file_size = (long long)st.st_size;
	snprintf(rs->filename, sizeof(rs->filename), "%s", name);
}

void page_report_render_post(struct console *c, struct request *rq, struct response *rs)
{
	struct action_result r;
	char *month = req_form(rq, "month");

	action_render(c, month, &r);
	free(month);
	page_flash_result(rq, &r);
	resp_redirect(rs, "/reports");
}
