using System.Diagnostics;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Contracts;
using SagaWorkflow.Tests.Api;
using static SagaWorkflow.Tests.Deployment.YamlDocuments;

namespace SagaWorkflow.Tests.Deployment;

/// <summary>
/// deploy/prometheus/alerts.yml: the alerts operators were promised are there, each names only metrics the orchestrator
/// serves on /metrics (docs/api.md, checked against a live scrape here), Prometheus's own <c>up</c>, or broker metrics
/// docs/operations.md lists (and then says so), and promtool accepts the file and its unit tests.
/// </summary>
public sealed partial class When_reading_the_prometheus_alert_rules(ApiHost api) : IClassFixture<ApiHost>
{
    private static readonly string RulesFile = Path.Combine(RepositoryPaths.Root, "deploy", "prometheus", "alerts.yml");

    private static readonly List<Dictionary<string, object?>> Rules = List(Read(RulesFile).Single()["groups"], "groups")
        .SelectMany(g => List(Map(g, "group")["rules"], "rules")).Select(r => Map(r, "rule")).ToList();

    // Counted only on events no test here causes at will (a cron misfire needs every orchestrator down across a fire
    // time; a store error, a database away or in conflict); docs/api.md lists them and the code paths are one line each.
    private static readonly string[] EventOnly = ["sagaworkflow_cron_misfires_total", "sagaworkflow_saga_store_errors_total"];

    [Fact]
    public void Every_alert_operators_were_promised_is_there_with_a_severity_and_a_description()
    {
        string[] promised =
        [
            "SagaWorkflowExecutorLost", "SagaWorkflowBacklogGrowing", "SagaWorkflowFailureRateHigh", "SagaWorkflowMessagesInErrorQueue",
            "SagaWorkflowCronMisfires", "SagaWorkflowOrchestratorNotReady", "SagaWorkflowSagaStoreUnavailable", "SagaWorkflowSagaStoreErrors",
        ];

        Assert.Empty(promised.Except(Rules.Select(r => (string)r["alert"]!)));
        Assert.All(Rules, rule =>
        {
            Assert.Contains(Text(rule, "labels", "severity"), new[] { "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace(Text(rule, "annotations", "summary")), $"{rule["alert"]} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(Text(rule, "annotations", "description")), $"{rule["alert"]} has no description");
        });
    }

    [Fact]
    public void Every_rule_names_only_metrics_the_orchestrator_prometheus_or_the_documented_broker_plugin_exports()
    {
        var ours = DocumentedMetrics.Read().Keys.ToHashSet();
        var broker = BrokerMetrics();

        Assert.NotEmpty(broker);
        foreach (var rule in Rules)
        {
            var names = MetricNames((string)rule["expr"]!).ToList();
            Assert.NotEmpty(names);
            foreach (var name in names)
                Assert.True(ours.Contains(name) || name == "up" || broker.Contains(name),
                    $"{rule["alert"]}: {name} is neither in docs/api.md's metrics, Prometheus's up, nor docs/operations.md's broker metrics");
            if (names.Any(broker.Contains))
                Assert.Contains("rabbitmq_prometheus", Text(rule, "annotations", "requires") ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_orchestrator_metrics_the_rules_use_are_served_on_metrics()
    {
        // A completed and a failed workflow and a lost executor produce the counters the rules read.
        var completed = await api.SubmitAsync(Api.Definitions.Noop("alerts-done"));
        var failed = await api.SubmitAsync(new { name = "alerts-failed", nodes = new[] { new { id = "call", capability = "http", input = new { url = "http://127.0.0.1:9/", timeout = "2s" } } } });
        await api.Services.GetRequiredService<IBus>().Publish(new ExecutorLost { ExecutorId = "alerts-test-executor", Reason = "published by the test", Timestamp = DateTime.UtcNow });
        await api.WaitForStateAsync(completed, "Completed");
        await api.WaitForStateAsync(failed, "Failed");
        var used = Rules.SelectMany(r => MetricNames((string)r["expr"]!)).Where(n => n.StartsWith("sagaworkflow_", StringComparison.Ordinal)).ToHashSet();
        ExpositionFormat.Scrape scrape = null!;

        await Integration.Eventually.WaitUntilAsync(async () =>
            {
                scrape = ExpositionFormat.Parse(await api.Anonymous.GetStringAsync("/metrics"));
                return scrape.Types.ContainsKey("sagaworkflow_executors_lost_total");
            }, TimeSpan.FromSeconds(30), () => Task.FromResult("the lost executor was never counted"));

        Assert.True(used.Count >= 8, string.Join(", ", used));
        Assert.Empty(used.Except(EventOnly).Except(scrape.Types.Keys));
        Assert.Contains(scrape.Of("sagaworkflow_ready"), s => s.Value == 1);
        Assert.Subset(DocumentedMetrics.Read().Keys.ToHashSet(), EventOnly.ToHashSet());
    }

    [PromtoolFact]
    public async Task Promtool_accepts_the_rules_and_their_unit_tests_pass()
    {
        var check = await PromtoolAsync("check", "rules", RulesFile);
        var test = await PromtoolAsync("test", "rules", Path.Combine(RepositoryPaths.Root, "deploy", "prometheus", "alerts.test.yml"));

        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains($"SUCCESS: {Rules.Count} rules found", check.Output, StringComparison.Ordinal);
        Assert.True(test.ExitCode == 0, test.Output);
    }

    /// <summary>The metric names a PromQL expression reads: label matchers, ranges, grouping clauses and functions set aside.</summary>
    internal static IEnumerable<string> MetricNames(string expression)
    {
        var bare = Grouping().Replace(Ranges().Replace(Matchers().Replace(Strings().Replace(expression, "\"\""), " "), " "), " ");
        return Identifiers().Matches(bare).Select(m => m.Value).Where(n => !Keywords.Contains(n)).Distinct();
    }

    private static readonly HashSet<string> Keywords = ["and", "or", "unless", "bool", "offset", "inf", "nan"];

    /// <summary>The broker's metric names docs/operations.md lists under its broker-metrics marker.</summary>
    private static HashSet<string> BrokerMetrics() =>
        File.ReadLines(RepositoryPaths.Doc("operations.md")).SkipWhile(l => !l.Contains("<!-- broker-metrics", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith('|')).Select(l => BrokerRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // A name not preceded by a digit or dot (numbers), not followed by "(" (functions and aggregations).
    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"^\| `(rabbitmq_[a-z_]+)` \|")]
    private static partial Regex BrokerRow();
}

/// <summary>A fact that needs promtool (Debian's prometheus package; scripts/test.sh installs it) and skips, saying so, without it.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        if (!path.Any(p => File.Exists(Path.Combine(p, "promtool"))))
            Skip = "needs promtool on PATH (apt-get install prometheus; scripts/test.sh installs it)";
    }
}
