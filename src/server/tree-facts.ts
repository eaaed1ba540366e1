import type { TreeNode } from '../index.js';

/**
 * The ids of the runs resident in memory: the run nodes of the engine's
 * supervision tree. A running run that is not among them is suspended.
 */
export function residentRunIds(tree: TreeNode): Set<string> {
  const ids = new Set<string>();
  const visit = (node: TreeNode): void => {
    if (node.kind === 'run') ids.add(node.id);
    node.children.forEach(visit);
  };
  visit(tree);
  return ids;
}

/**
 * The registered workflow types: the engine's tree has one supervisor per
 * type under `workflows`.
 */
export function workflowTypesOf(tree: TreeNode): string[] {
  const workflows = tree.children.find((child) => child.id === 'workflows');
  return (workflows?.children ?? []).map((child) => child.id);
}
