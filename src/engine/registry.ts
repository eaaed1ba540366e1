import { resolveActivityOptions } from '../activities/index.js';
import { AionError, ErrorCode, InvalidArgumentError } from '../core/index.js';
import type { ActivityDefinition, WorkflowDefinition } from '../workflow/index.js';

/**
 * Checks an activity's own options when the engine registers it, so that a
 * bad retry policy fails `Engine.open` instead of every `ctx.activity` call.
 *
 * @throws InvalidArgumentError naming the activity.
 */
function checkActivityOptions(def: ActivityDefinition): void {
  try {
    resolveActivityOptions(def.options, undefined);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new InvalidArgumentError(`activity '${def.name}': ${error.message}`, { cause: error });
  }
}

/** The workflow and activity definitions an engine knows, by name. */
export class Registry {
  readonly #workflows = new Map<string, WorkflowDefinition>();
  readonly #activities = new Map<string, ActivityDefinition>();

  constructor(workflows: readonly WorkflowDefinition[], activities: readonly ActivityDefinition[]) {
    for (const def of workflows) {
      if (def?.kind !== 'workflow')
        throw new InvalidArgumentError('workflows must be defineWorkflow results');
      this.#add(this.#workflows, def, 'workflow');
    }
    for (const def of activities) {
      if (def?.kind !== 'activity')
        throw new InvalidArgumentError('activities must be defineActivity results');
      checkActivityOptions(def);
      this.#add(this.#activities, def, 'activity');
    }
  }

  #add<D extends { name: string }>(map: Map<string, D>, def: D, what: string): void {
    const existing = map.get(def.name);
    if (existing !== undefined && existing !== def) {
      throw new InvalidArgumentError(`two different ${what} definitions are named '${def.name}'`);
    }
    map.set(def.name, def);
  }

  /** The workflow definition of a type, or `undefined`. */
  findWorkflow(name: string): WorkflowDefinition | undefined {
    return this.#workflows.get(name);
  }

  /** @throws AionError UNKNOWN_WORKFLOW_TYPE */
  workflow(name: string): WorkflowDefinition {
    const def = this.#workflows.get(name);
    if (def === undefined) {
      throw new AionError(
        ErrorCode.UNKNOWN_WORKFLOW_TYPE,
        `no workflow type '${name}' is registered`,
        {
          details: { workflowType: name },
        },
      );
    }
    return def;
  }

  /** @throws AionError UNKNOWN_ACTIVITY_TYPE */
  activity(name: string): ActivityDefinition {
    const def = this.#activities.get(name);
    if (def === undefined) {
      throw new AionError(
        ErrorCode.UNKNOWN_ACTIVITY_TYPE,
        `no activity type '${name}' is registered`,
        {
          details: { activityType: name },
        },
      );
    }
    return def;
  }

  /** Registered workflow type names. */
  workflowTypes(): string[] {
    return [...this.#workflows.keys()];
  }
}
