namespace SagaWorkflow.Tests.Api;

/// <summary>Small inline definitions the API tests submit.</summary>
public static class Definitions
{
    public static object Noop(string name = "api-noop") => new { name, nodes = new[] { new { id = "a", capability = "noop" } } };

    public static object Chain(string name = "api-chain") => new
    {
        name,
        nodes = new object[]
        {
            new { id = "a", capability = "transform", input = new { hello = "world" } },
            new { id = "b", capability = "delay", input = new { ms = 50 }, dependsOn = new[] { "a" } },
        },
    };

    /// <summary>A node that runs long enough to be cancelled while it runs.</summary>
    public static object Slow(string name = "api-slow") => new { name, nodes = new[] { new { id = "wait", capability = "delay", input = new { ms = 600_000 } } } };
}
