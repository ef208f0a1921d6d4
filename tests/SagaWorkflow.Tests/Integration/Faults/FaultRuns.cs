namespace SagaWorkflow.Tests.Integration.Faults;

/// <summary>
/// A <see cref="FaultRun"/> on every store at once. A fault hits a whole server, so one broker restart strikes both
/// runs together, and the two database servers restart together: each store is tested under the same fault in half
/// the wall-clock time of running them one after the other.
/// </summary>
public sealed class FaultRuns : IAsyncDisposable
{
    private readonly IReadOnlyList<FaultRun> _runs;

    private FaultRuns(IReadOnlyList<FaultRun> runs) => _runs = runs;

    public static async Task<FaultRuns> StartAsync()
    {
        var starting = Enum.GetValues<Store>().Select(store => FaultRun.StartAsync(store)).ToList();
        try
        {
            return new FaultRuns(await Task.WhenAll(starting));
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
                await started.Result.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Does <paramref name="step"/> on every run at once and waits for all; a failure names its store (the other
    /// runs' failures are added to the message, so one store's problem does not hide the other's).
    /// </summary>
    public async Task EachAsync(Func<FaultRun, Task> step)
    {
        var steps = _runs.Select(async run =>
        {
            try
            {
                await step(run);
                return null;
            }
            catch (Exception e)
            {
                return $"{run.Environment.Store}: {e.Message}";
            }
        }).ToList();
        var failures = (await Task.WhenAll(steps)).OfType<string>().ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Both database servers down for <paramref name="downFor"/> at the same time, then up again.</summary>
    public static Task RestartDatabasesAsync(TimeSpan downFor) =>
        Task.WhenAll(Enum.GetValues<Store>().Select(store => ServiceFaults.RestartAsync(ServiceFaults.DatabaseOf(store), downFor)));

    public async ValueTask DisposeAsync()
    {
        foreach (var run in _runs)
            await run.DisposeAsync();
    }
}
