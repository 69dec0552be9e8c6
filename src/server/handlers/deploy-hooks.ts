import { createDeployment } from '../../state/deployments.js';
import { DomainError, type FieldProblem } from '../../state/errors.js';
import type { Environment } from '../../state/model.js';
import type { HookMatch } from '../../state/tenants.js';
import { ok, type OperationHandler, type OperationRequest } from './types.js';

/** GET /api/deploy-hook/{envId}/{secret}: deploys a standard environment. */
export const triggerDeployHookHandler: OperationHandler = (request) => {
  const commit = request.query.commit as string | undefined;
  const branch = request.query.branch as string | undefined;
  // An empty value, such as an unset CI variable gives, is rejected because it would
  // otherwise become the deployment's gitCommit or gitBranch.
  const problems: FieldProblem[] = [];
  if (commit === '') problems.push({ path: 'commit', in: 'query', message: 'must be a commit SHA or left out, not empty' });
  if (branch === '') problems.push({ path: 'branch', in: 'query', message: 'must be a branch name or left out, not empty' });
  if (commit !== undefined && branch === undefined) {
    problems.push({ path: 'branch', in: 'query', message: 'is required when commit is given; add &branch=BRANCH_NAME' });
  }
  rejectProblems(problems);

  const match = findHook(request, request.path.envId as number);
  if (match.environment.type === 'preview') {
    throw hookNotFound(`Deploy hook ${match.environment.deployHook?.envId ?? ''} belongs to a preview environment; call it with a pull request number and a commit SHA after the secret.`);
  }

  const deployment = createDeployment(match.tenant, match.environment, {
    commit,
    branch,
    force: request.query.force === true,
  });
  return ok({ success: true, deploymentId: deployment.id });
};

/** GET /api/deploy-hook/{previewEnvId}/{secret}/{prNumber}/{commitSHA}: deploys a pull request's preview. */
export const triggerPreviewDeployHookHandler: OperationHandler = (request) => {
  const prNumber = request.path.prNumber as number;
  if (prNumber < 1) {
    rejectProblems([{ path: 'prNumber', in: 'path', message: `must be a pull request number of 1 or more, got ${prNumber}` }]);
  }

  const match = findHook(request, request.path.previewEnvId as number);
  if (match.environment.type !== 'preview') {
    throw hookNotFound(`Deploy hook ${match.environment.deployHook?.envId ?? ''} belongs to a standard environment; call it without the pull request number and commit SHA.`);
  }

  const deployment = createDeployment(match.tenant, match.environment, {
    commit: String(request.path.commitSHA),
    force: request.query.force === true,
    prNumber,
  });
  return ok({ success: true, deploymentId: deployment.id });
};

function findHook(request: OperationRequest, envId: number): HookMatch & { environment: Environment } {
  const match = request.hookMatch ?? request.registry.findDeployHook(envId, String(request.path.secret));
  // The same response for an unknown envId and a wrong secret, so a caller cannot probe for hooks.
  if (match === undefined) {
    throw hookNotFound(`No deploy hook matches envId ${envId} and this secret. Copy the hook URL from the environment's deploy-hook settings.`);
  }
  return match;
}

/** Throws one validation error that lists every problem, so the caller can fix them all at once. */
function rejectProblems(problems: FieldProblem[]): void {
  if (problems.length === 0) return;
  const described = problems.map((problem) => `${problem.path} ${problem.message}`).join('; ');
  throw new DomainError('INVALID_INPUT', `Invalid request: ${described}.`, problems);
}

function hookNotFound(message: string): DomainError {
  return new DomainError('DEPLOY_HOOK_NOT_FOUND', message);
}
