using System.Globalization;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Bench;
using SagaWorkflow.Contracts;
using SagaWorkflow.Contracts.Definitions;

// Load driver: one scenario per run against an orchestrator and executors already running on the same broker.
//   SagaWorkflow.Bench <amqp-uri> <scenario: S0|S1|S1-serial|S2|S3|S3-single|S6-submit|S7> <count> [concurrency]
// S6-submit only sends (ten-minute workflows) and writes "id,sent-epoch-ms" lines to $BENCH_SENT_FILE.
// S7 runs one workflow of a root, <count> parallel children and a join, and gives up after $BENCH_S7_TIMEOUT seconds
// (default 300): its line says how it ended (completed, failed, rejected, timed out) instead of a rate.
// Prints one JSON line: scenario, count, seconds, rate per second, p50 and p99 latency in ms.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: SagaWorkflow.Bench <amqp-uri> <S0|S1|S1-serial|S2|S3|S3-single|S6-submit|S7> <count> [concurrency]");
    return 2;
}

var uri = new Uri(args[0]);
var scenario = args[1];
var count = int.Parse(args[2], CultureInfo.InvariantCulture);
var concurrency = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 50;
using var completions = new Completions();

var services = new ServiceCollection().AddSingleton(completions);
services.AddMassTransit(x =>
{
    x.AddConsumer<PongConsumer>();
    x.AddConsumer<PingConsumer>();
    x.AddConsumer<WorkflowOutcomeConsumer>();
    x.UsingRabbitMq((context, cfg) =>
    {
        var credentials = uri.UserInfo.Split(':', 2);
        cfg.Host(uri.Host, (ushort)(uri.Port > 0 ? uri.Port : 5672), Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')), h =>
        {
            h.Username(Uri.UnescapeDataString(credentials[0]));
            h.Password(Uri.UnescapeDataString(credentials[1]));
        });
        cfg.ReceiveEndpoint("bench-ping", e =>
        {
            e.PrefetchCount = concurrency;
            e.ConcurrentMessageLimit = concurrency;
            e.ConfigureConsumer<PingConsumer>(context);
        });
        cfg.ReceiveEndpoint("bench-results", e =>
        {
            e.PrefetchCount = 200;
            e.ConfigureConsumer<PongConsumer>(context);
            e.ConfigureConsumer<WorkflowOutcomeConsumer>(context);
        });
    });
});
await using var provider = services.BuildServiceProvider();
var bus = provider.GetRequiredService<IBusControl>();
await bus.StartAsync();
try
{
    var saga = await bus.GetSendEndpoint(NodeQueues.WorkflowStateAddress);
    var ping = await bus.GetSendEndpoint(new Uri("queue:bench-ping"));
    completions.Expect(count);
    var ids = Enumerable.Range(0, count).Select(_ => NewId.NextGuid()).ToArray();
    var definition = scenario switch
    {
        "S1" or "S1-serial" => Workflow("s1", 1, 0),
        "S2" => Workflow("s2-chain", 5, 0),
        "S3" or "S3-single" => Workflow("s3-fan-out", 0, 200),
        _ => null,
    };

    async Task Submit(Guid id)
    {
        completions.Sent(id);
        if (definition is null)
            await ping.Send(new Ping(id));
        else
            await saga.Send(new StartWorkflow { WorkflowId = id, Definition = definition, Trigger = "bench" });
    }

    if (scenario == "chaos-submit")
    {
        // bench/chaos.sh: three-node workflows (noop -> delay BENCH_CHAOS_DELAY_MS -> transform), submitted without waiting.
        var delayMs = Environment.GetEnvironmentVariable("BENCH_CHAOS_DELAY_MS") ?? "3000";
        var chain = new WorkflowDefinition
        {
            Name = "chaos",
            Nodes =
            [
                new NodeDefinition { Id = "a", Capability = "noop" },
                new NodeDefinition { Id = "b", Capability = "delay", DependsOn = ["a"], Input = JsonDocument.Parse($"{{\"ms\":{delayMs}}}").RootElement },
                new NodeDefinition { Id = "c", Capability = "transform", DependsOn = ["b"], Input = JsonDocument.Parse("{\"done\":true}").RootElement },
            ],
        };
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, token) =>
            await saga.Send(new StartWorkflow { WorkflowId = id, Definition = chain, Trigger = "bench" }, token));
        Console.WriteLine(JsonSerializer.Serialize(new { scenario, count, submitSeconds = Math.Round(started.Elapsed.TotalSeconds, 3) }));
        return 0;
    }

    if (scenario == "S6-submit")
    {
        // Workflows that stay in flight (a ten-minute delay node): submit them all, record when each was sent, do not wait.
        var inflight = new WorkflowDefinition
        {
            Name = "s6-inflight",
            Nodes = [new NodeDefinition { Id = "wait", Capability = "delay", Input = JsonDocument.Parse("{\"ms\":600000}").RootElement }],
        };
        var sentAt = new System.Collections.Concurrent.ConcurrentDictionary<Guid, long>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, token) =>
        {
            sentAt[id] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await saga.Send(new StartWorkflow { WorkflowId = id, Definition = inflight, Trigger = "bench" }, token);
        });
        if (Environment.GetEnvironmentVariable("BENCH_SENT_FILE") is { Length: > 0 } file)
            await File.WriteAllLinesAsync(file, sentAt.Select(kv => $"{kv.Key},{kv.Value.ToString(CultureInfo.InvariantCulture)}"));
        Console.WriteLine(JsonSerializer.Serialize(new { scenario, count, submitSeconds = Math.Round(started.Elapsed.TotalSeconds, 3) }));
        return 0;
    }

    if (scenario == "S7")
    {
        // Wide fan-out (issue 15): one workflow, timed submit -> outcome, so time per child can be compared across widths.
        // A width that takes too long is cancelled (it would keep the orchestrator busy under the next measurement).
        var timeout = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BENCH_S7_TIMEOUT") ?? "300", CultureInfo.InvariantCulture));
        var id = NewId.NextGuid();
        completions.Expect(1);
        completions.Sent(id);
        await saga.Send(new StartWorkflow { WorkflowId = id, Definition = Workflow("s7-wide-fan-out", 0, count), Trigger = "bench" });
        var outcome = "completed";
        double? elapsed = null;
        try
        {
            await completions.All(timeout);
            elapsed = completions.Measure().Seconds;
            outcome = completions.Rejection is not null ? "rejected" : completions.Failed > 0 ? "failed" : "completed";
        }
        catch (TimeoutException)
        {
            outcome = "timed out";
            await saga.Send(new CancelWorkflow { WorkflowId = id, Reason = $"S7 gave up after {timeout.TotalSeconds} s" });
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            scenario, children = count, nodes = count + 2, outcome, timeoutSeconds = timeout.TotalSeconds,
            seconds = elapsed is { } s ? Math.Round(s, 3) : (double?)null,
            msPerChild = elapsed is { } t && outcome == "completed" ? Math.Round(t * 1000 / count, 3) : (double?)null,
            rejection = completions.Rejection,
        }));
        return 0;
    }

    if (scenario.EndsWith("-serial", StringComparison.Ordinal) || scenario.EndsWith("-single", StringComparison.Ordinal))
    {
        foreach (var id in ids)
        {
            await Submit(id);
            while (!completions.IsDone(id))
                await completions.NextAsync(TimeSpan.FromMinutes(2));
        }
    }
    else
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, _) => await Submit(id));

    await completions.All(TimeSpan.FromMinutes(20));
    var (seconds, p50, p99) = completions.Measure();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        scenario, count, concurrency, seconds = Math.Round(seconds, 3), ratePerSecond = Math.Round(count / seconds, 1),
        p50Ms = Math.Round(p50, 1), p99Ms = Math.Round(p99, 1), failed = completions.Failed,
    }));
    return 0;
}
finally
{
    await bus.StopAsync();
}

// chain > 0: that many noop nodes in a row; fanOut > 0: a root, that many parallel children, a join.
static WorkflowDefinition Workflow(string name, int chain, int fanOut)
{
    if (fanOut > 0)
    {
        var children = Enumerable.Range(0, fanOut).Select(i => new NodeDefinition { Id = $"c{i}", Capability = "noop", DependsOn = ["root"] }).ToList();
        return new WorkflowDefinition
        {
            Name = name,
            Nodes = [new NodeDefinition { Id = "root", Capability = "noop" }, .. children,
                new NodeDefinition { Id = "join", Capability = "noop", DependsOn = [.. children.Select(c => c.Id)] }],
        };
    }

    return new WorkflowDefinition
    {
        Name = name,
        Nodes = Enumerable.Range(0, chain).Select(i => new NodeDefinition
        {
            Id = $"n{i}", Capability = "noop", DependsOn = i == 0 ? [] : [$"n{i - 1}"],
        }).ToList(),
    };
}
