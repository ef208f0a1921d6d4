namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// Awaits a condition on real state (rows in PostgreSQL, queue depths) that other processes change. The poll interval
/// only paces the checks; the timeout is a failure guard, not a timing assertion.
/// </summary>
public static class Eventually
{
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            if (deadline.IsCancellationRequested)
                Assert.Fail($"still not true after {timeout}: {await describe()}");
            await Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None);
        }
    }
}
