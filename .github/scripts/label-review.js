// Label the pull request by what the plan review found (`labels` of `review --format json`): add
// `plan: destroy`, `plan: replace` or `plan: no change` as they apply, remove the others.
// Used by .github/workflows/terraform-plan.yml through actions/github-script.
const fs = require("fs");

module.exports = async ({ github, context, file }) => {
  const { labels } = JSON.parse(fs.readFileSync(file, "utf8"));
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const current = (await github.paginate(github.rest.issues.listLabelsOnIssue, { owner, repo, issue_number })).map(
    (label) => label.name,
  );
  const add = labels.add.filter((name) => !current.includes(name));
  if (add.length) {
    await github.rest.issues.addLabels({ owner, repo, issue_number, labels: add });
  }
  for (const name of labels.remove.filter((label) => current.includes(label))) {
    await github.rest.issues.removeLabel({ owner, repo, issue_number, name });
  }
};
