// Post the plan review as one pull-request comment; later runs update that same comment.
// Used by .github/workflows/terraform-plan.yml through actions/github-script.
const fs = require("fs");

const MARKER = "<!-- feature-pipelines-plan-review -->";
const LIMIT = 65000; // GitHub refuses comments above 65,536 characters.

module.exports = async ({ github, context, file }) => {
  let text = fs.readFileSync(file, "utf8");
  if (text.length > LIMIT) {
    const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
    // Cut at a line end: a row or code span cut in half would run into the note below.
    const end = text.lastIndexOf("\n", LIMIT);
    text = `${text.slice(0, end > 0 ? end + 1 : LIMIT)}\n(cut: the full review is in the [run's job summary](${run}))\n`;
  }
  const body = `${MARKER}\n${text}`;
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: 100,
  });
  const previous = comments.find((c) => c.user?.type === "Bot" && c.body?.startsWith(MARKER));
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number, body });
  }
};
