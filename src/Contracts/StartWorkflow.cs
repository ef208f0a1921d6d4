using System.Text.Json;
using SagaWorkflow.Contracts.Definitions;

namespace SagaWorkflow.Contracts;

/// <summary>
/// Command: start one workflow run. Sent (or published) by client services, the HTTP API, the local runner
/// and cron triggers; consumed by <c>WorkflowStateMachine</c> on the <c>workflow-state</c> queue, which
/// validates the definition and answers with <see cref="WorkflowStarted"/> or <see cref="WorkflowRejected"/>.
/// Correlates by <see cref="WorkflowId"/>; when it is omitted the message id becomes the workflow id, so a
/// redelivered command still starts one workflow only. Re-sending with an existing id starts nothing (idempotent submit).
/// </summary>
public sealed record StartWorkflow
{
    public Guid? WorkflowId { get; init; }

    /// <summary>The inline definition to run; or leave it out and name a registered one with <see cref="DefinitionName"/>.</summary>
    public WorkflowDefinition? Definition { get; init; }

    /// <summary>
    /// A definition registered with <c>PUT /api/v1/definitions/{name}</c>, resolved by the saga when it starts the run
    /// (an unknown name is rejected with <c>unknown_definition</c>). Exclusive with <see cref="Definition"/>.
    /// </summary>
    public string? DefinitionName { get; init; }

    /// <summary>The registered version to run; null runs the latest at the moment the saga starts it.</summary>
    public int? DefinitionVersion { get; init; }

    /// <summary>Input of the whole workflow, handed to every node as <see cref="ExecuteNode.WorkflowInput"/>.</summary>
    public JsonElement? Input { get; init; }

    /// <summary>What started the run: <c>message</c> (default), <c>api</c>, <c>cli</c> or <c>cron</c>. Stored on the row.</summary>
    public string? Trigger { get; init; }

    /// <summary>Set by cron triggers: the schedule that fired, stored on the row with <see cref="ScheduledFireTime"/>.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>The planned fire time (UTC) of the cron fire that started this run.</summary>
    public DateTime? ScheduledFireTime { get; init; }
}
