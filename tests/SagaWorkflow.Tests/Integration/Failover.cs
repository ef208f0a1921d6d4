using SagaWorkflow.Cli;
using SagaWorkflow.CommandLine;

namespace SagaWorkflow.Tests.Integration;

/// <summary>What the failover tests share: waiting on the executors table and running sagaflow in-process against an orchestrator.</summary>
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

    /// <summary>The key <see cref="SagaflowAsync"/> passes; an orchestrator started with <see cref="WithOperatorKey"/> takes it.</summary>
    public const string OperatorKey = "integration-operator-key-0123";

    /// <summary>Process settings with an admin API key, so an operator can call the API's mutations.</summary>
    public static Dictionary<string, string> WithOperatorKey(Dictionary<string, string> settings)
    {
        settings["Api__Keys__0__Name"] = "operator";
        settings["Api__Keys__0__Key"] = OperatorKey;
        return settings;
    }

    /// <summary>A <c>sagaflow</c> verb, as an operator runs it, against <paramref name="orchestrator"/>'s API; it must exit 0.</summary>
    public static async Task<string> SagaflowAsync(ServiceProcess orchestrator, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var exit = await SagaflowCommand.RunAsync(["--api", (await orchestrator.ApiUrlAsync()).ToString(), "--key", OperatorKey, .. args], output, errors,
            _ => null, CancellationToken.None);
        Assert.True(exit == ExitCodes.Ok, $"sagaflow {string.Join(' ', args)} exited {exit}: {errors}{output}");
        return output.ToString();
    }

    /// <summary>Rows of node_attempts in attempt order: attempt, executor, outcome, arrived late, redelivered from.</summary>
    public static Task<List<object?[]>> AttemptsAsync(IntegrationEnvironment environment) =>
        environment.QueryAsync("SELECT attempt, executor_id, outcome, arrived_late, redelivered_from FROM node_attempts ORDER BY attempt");
}
