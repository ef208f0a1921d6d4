namespace SagaWorkflow.Orchestrator.Cli;

/// <summary>What the run verb watches: transitions of one workflow's nodes, and its outcome.</summary>
public sealed class RunMonitor(Guid workflowId, TextWriter output)
{
    private readonly TaskCompletionSource<RunOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _writeLock = new();

    public Guid WorkflowId { get; } = workflowId;

    public Task<RunOutcome> Outcome => _outcome.Task;

    public void Transition(string nodeId, string text)
    {
        lock (_writeLock)
            output.WriteLine($"  {DateTime.UtcNow:HH:mm:ss.fff}  {nodeId,-20} {text}");
    }

    public void Finish(RunOutcome outcome) => _outcome.TrySetResult(outcome);
}
