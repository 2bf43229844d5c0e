// Replays what neondatabase/create-branch-action (v6, src/branch.ts) sends, with the API client it is
// built on, and prints the outputs it sets as one JSON line. Inputs come as the action gets them
// (INPUT_<NAME> environment variables); the annotation is what the action builds from a pull request.
import { createApiClient, EndpointType } from '@neondatabase/api-client';

const input = (name, fallback) => {
  const value = (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
  return value === '' ? fallback : value;
};
const apiHost = input('api_host', 'https://console.neon.tech/api/v2');
const projectId = input('project_id');
const branchName = input('branch_name');
const parentBranch = input('parent_branch');
const database = input('database', 'neondb');
const role = input('role', 'neondb_owner');
const sslMode = input('ssl', 'require');
const suspendTimeout = parseInt(input('suspend_timeout', '0'), 10);
const expiresAt = input('expires_at');

const client = createApiClient({
  apiKey: input('api_key'),
  baseURL: apiHost,
  timeout: 10000,
  headers: { 'User-Agent': 'neon-create-branch-action replay' },
});

// the action looks a branch up by name or id through a search of the project's branches
async function findBranch(identifier) {
  const { data } = await client.listProjectBranches({ projectId, search: identifier, limit: 10000 });
  return data.branches.find((b) => b.name === identifier || b.id === identifier);
}

async function branchToUse() {
  if (branchName) {
    const existing = await findBranch(branchName);
    if (existing) return { branch: existing, created: false };
  }
  let parentId;
  if (parentBranch) {
    const parent = await findBranch(parentBranch);
    if (!parent) throw new Error(`Parent branch ${parentBranch} not found`);
    parentId = parent.id;
  }
  const annotation = { 'github-commit-repo': process.env.GITHUB_REPOSITORY };
  if (process.env.PR_NUMBER) annotation['github-pr-number'] = process.env.PR_NUMBER;
  const { data } = await client.createProjectBranch(projectId, {
    endpoints: [{ type: EndpointType.ReadWrite, suspend_timeout_seconds: suspendTimeout }],
    branch: { name: branchName, parent_id: parentId, init_source: undefined, expires_at: expiresAt },
    annotation_value: annotation,
  });
  return { branch: data.branch, created: true };
}

async function connectionInfo(branchId) {
  const { data: { endpoints } } = await client.listProjectBranchEndpoints(projectId, branchId);
  const endpoint = endpoints.find(({ type }) => type === EndpointType.ReadWrite);
  if (!endpoint) throw new Error('No read_write endpoint found for branch');
  await client.getProjectBranchDatabase(projectId, branchId, database);
  await client.getProjectBranchRole(projectId, branchId, role);
  const { data: { password } } = await client.getProjectBranchRolePassword(projectId, branchId, role);
  const hostPooled = endpoint.host.replace(endpoint.id, `${endpoint.id}-pooler`);
  const url = (host) => {
    const u = new URL(`postgresql://${host}`);
    u.pathname = database;
    u.username = role;
    u.password = password;
    if (sslMode !== 'omit') u.searchParams.set('sslmode', sslMode);
    return u.toString();
  };
  return { db_url: url(endpoint.host), db_url_pooled: url(hostPooled), db_host: endpoint.host,
    db_host_pooled: hostPooled, password };
}

try {
  const { branch, created } = await branchToUse();
  const outputs = { created, branch_id: branch.id, ...(await connectionInfo(branch.id)) };
  console.log(JSON.stringify(outputs));
} catch (error) {
  const body = error.response ? ` ${error.response.status} ${JSON.stringify(error.response.data)}` : '';
  console.log(JSON.stringify({ error: `${error}${body}` }));
  process.exitCode = 1;
}
