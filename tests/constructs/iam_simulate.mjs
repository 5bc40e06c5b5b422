// Evaluates IAM requests with @cloud-copilot/iam-simulate (conditions included, which moto's IAM
// enforcement ignores). stdin: a JSON list of {identityPolicies, resourcePolicy?, principal, action,
// resource, accountId, context}; stdout: a JSON list, each request's result ("Allowed",
// "ImplicitlyDenied", "ExplicitlyDenied") or {"error": ...} when the simulator refuses the request.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const results = []
for (const request of requests) {
  const outcome = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.accountId },
        contextVariables: request.context,
      },
      identityPolicies: request.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
    },
    {},
  )
  results.push(outcome.resultType === 'single' ? outcome.result.analysis.result : { error: outcome })
}
process.stdout.write(JSON.stringify(results))
