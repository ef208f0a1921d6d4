using SagaWorkflow.Orchestrator.Cli;

namespace SagaWorkflow.Tests.Integration;

/// <summary>What the failover tests share: waiting on the executors table and running operator verbs in-process.</summary>
public static class Failover
{
    public static Task WaitForExecutorAsync(IntegrationEnvironment environment, string executorId, string state, TimeSpan timeout) =>
        Eventually.WaitUntilAsync(
            async () => await environment.CountAsync($"SELECT COUNT(*) FROM executors WHERE executor_id = '{executorId}' AND current_state = '{state}'") == 1,
            timeout,
            async () => $"executor {executorId} never became {state}: " + string.Join("; ",
                (await environment.QueryAsync("SELECT executor_id, current_state, last_heartbeat_at FROM executors")).Select(r => string.Join(",", r))));

    public static Task WaitForRunningAsync(IntegrationEnvironment environment, int count) =>
        Eventually.WaitUntilAsync(
            async () => await environment.CountAsync("SELECT COUNT(*) FROM workflow_nodes WHERE state = 'running'") == count,
            TimeSpan.FromSeconds(60), () => Task.FromResult($"{count} node(s) never ran at once"));

    /// <summary>The orchestrator's <c>executor</c> / <c>node</c> verbs, as an operator runs them, against this environment.</summary>
    public static async Task<string> OperatorAsync(IntegrationEnvironment environment, string verb, params string[] args)
    {
        var settings = environment.ProcessSettings().ToDictionary(kv => kv.Key.Replace("__", ":", StringComparison.Ordinal), kv => (string?)kv.Value);
        var output = new StringWriter();
        var exit = await OperatorCommand.ExecuteAsync(verb, args, output, settings, CancellationToken.None);
        Assert.True(exit == 0, $"{verb} {string.Join(' ', args)} exited {exit}: {output}");
        return output.ToString();
    }

    /// <summary>Rows of node_attempts in attempt order: attempt, executor, outcome, arrived late, redelivered from.</summary>
    public static Task<List<object?[]>> AttemptsAsync(IntegrationEnvironment environment) =>
        environment.QueryAsync("SELECT attempt, executor_id, outcome, arrived_late, redelivered_from FROM node_attempts ORDER BY attempt");
}
