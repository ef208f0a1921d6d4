using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Tests.Api;

public sealed class When_scraping_metrics(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task After_workflows_run_every_instrument_is_exposed_as_docs_api_md_lists_it()
    {
        var definition = "api-metrics-" + Guid.NewGuid().ToString("N")[..6];
        var done = await api.SubmitAsync(Definitions.Chain(definition));
        // A node with a retry that fails every time: a retry, then a failed workflow.
        var failing = await api.SubmitAsync(new
        {
            name = definition,
            nodes = new[]
            {
                new
                {
                    id = "call", capability = "http", input = (object)new { method = "GET", url = "http://127.0.0.1:9/unreachable", timeout = "2s" },
                    retry = new { maxAttempts = 2, initialDelay = "100ms" },
                },
            },
        });
        var cancelled = await api.SubmitAsync(Definitions.Slow(definition));
        await api.WaitForStateAsync(done, "Completed");
        await api.WaitForStateAsync(failing, "Failed");
        await Integration.Eventually.WaitUntilAsync(async () => (await api.WorkflowAsync(cancelled)) is { ValueKind: JsonValueKind.Object } view
            && view.GetProperty("nodes")[0].GetProperty("state").GetString() == "running", TimeSpan.FromSeconds(60), () => Task.FromResult("never ran"));
        var whileRunning = await ScrapeAsync();
        using (await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{cancelled}/cancel", new { }))
            await api.WaitForStateAsync(cancelled, "Cancelled");

        var scrape = await ScrapeAsync();

        Assert.Equal(3, Count(scrape, "sagaworkflow_workflows_started_total", definition));
        Assert.Equal(1, Count(scrape, "sagaworkflow_workflows_completed_total", definition));
        Assert.Equal(1, Count(scrape, "sagaworkflow_workflows_failed_total", definition));
        Assert.Equal(1, Count(scrape, "sagaworkflow_workflows_cancelled_total", definition));
        Assert.Equal("histogram", scrape.Types["sagaworkflow_node_duration_milliseconds"]);
        Assert.Contains(scrape.Of("sagaworkflow_node_duration_milliseconds_count"), s => s.Labels["capability"] == "delay" && s.Labels["outcome"] == "succeeded" && s.Value >= 1);
        Assert.Contains(scrape.Of("sagaworkflow_node_queue_wait_milliseconds_count"), s => s.Labels["capability"] == "transform" && s.Value >= 1);
        Assert.Contains(scrape.Of("sagaworkflow_node_retries_total"), s => s.Labels["capability"] == "http" && s.Value >= 1);
        Assert.Contains(scrape.Of("sagaworkflow_executors_online"), s => s.Labels["capability"] == "delay" && s.Value == 1);
        Assert.Contains(whileRunning.Of("sagaworkflow_nodes_in_flight"), s => s.Labels["capability"] == "delay" && s.Value >= 1);
        Assert.Contains(whileRunning.Of("sagaworkflow_nodes_dispatched"), s => s.Labels["capability"] == "delay" && s.Value >= 0);
        Assert.Contains(scrape.Of("sagaworkflow_db_transactions_total"), s => s.Labels["outcome"] == "committed" && s.Value >= 1);
        // Names, types and labels as docs/api.md lists them; the failover counters are the next test's to produce, and the
        // database counters must be there: the saga ran its transactions through them.
        DocumentedMetrics.AssertExposedAsDocumented(scrape, DocumentedMetrics.Read().Keys.Except(NotAlwaysProduced));
        // MassTransit's own meter is process-wide and goes away with the first bus disposed in this shared test process,
        // so its instruments are checked on a real orchestrator process
        // (When_an_orchestrator_serves_its_api.Workflows_run_and_page_through_the_api_and_metrics_include_masstransit_meters).
    }

    [Fact]
    public async Task When_a_running_node_is_reassigned_the_failover_and_the_old_attempts_late_result_are_counted()
    {
        var id = await api.SubmitAsync(Definitions.Slow("api-metrics-failover-" + Guid.NewGuid().ToString("N")[..6]));
        JsonElement node = default;
        await Integration.Eventually.WaitUntilAsync(async () => (await api.WorkflowAsync(id)) is { ValueKind: JsonValueKind.Object } view
            && (node = view.GetProperty("nodes")[0]).GetProperty("state").GetString() == "running", TimeSpan.FromSeconds(60), () => Task.FromResult($"never ran: {node}"));
        // The meter is process-wide and other test classes also run delay nodes, so the counters are compared before and after.
        var before = await ScrapeAsync();

        // What the failover consumer sends when the executor holding the attempt is declared lost: the saga supersedes
        // attempt 1 (a failover) and tells the executor to stop it; the executor reports the cancelled attempt 1, which
        // is now a result of a superseded attempt (a stale result), recorded and not applied.
        var workflowState = await api.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri("queue:" + NodeQueues.WorkflowState));
        await workflowState.Send(new ReassignNodes
        {
            WorkflowId = id, ExecutorId = node.GetProperty("executorId").GetString()!, Reason = "declared lost by the test",
            Attempts = [new NodeAttemptRef { NodeId = "wait", Attempt = 1 }],
        });
        ExpositionFormat.Scrape after = before;
        await Integration.Eventually.WaitUntilAsync(async () =>
            {
                after = await ScrapeAsync();
                return Delay(after, "sagaworkflow_node_failovers_total") > Delay(before, "sagaworkflow_node_failovers_total")
                    && Delay(after, "sagaworkflow_node_stale_results_total") > Delay(before, "sagaworkflow_node_stale_results_total");
            }, TimeSpan.FromSeconds(60),
            async () => $"counters did not move: {string.Join(", ", after.Samples.Where(s => s.Name.StartsWith("sagaworkflow_node_", StringComparison.Ordinal) && s.Name.EndsWith("_total", StringComparison.Ordinal)))}; workflow {await api.WorkflowAsync(id)}");
        using (await api.Admin.PostAsJsonAsync($"/api/v1/workflows/{id}/cancel", new { }))
            await api.WaitForStateAsync(id, "Cancelled");

        Assert.Equal("counter", after.Types["sagaworkflow_node_failovers_total"]);
        Assert.Equal("counter", after.Types["sagaworkflow_node_stale_results_total"]);
        Assert.True(Delay(after, "sagaworkflow_node_failovers_total") >= 1);
        Assert.True(Delay(after, "sagaworkflow_node_stale_results_total") >= 1);
        DocumentedMetrics.AssertExposedAsDocumented(after, FailoverCounters);
        var attempts = (await api.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/workflows/{id}/attempts")).GetProperty("attempts");
        Assert.Contains(attempts.EnumerateArray(), a => a.GetProperty("attempt").GetInt32() == 1 && a.GetProperty("arrivedLate").GetBoolean());
        Assert.Contains(attempts.EnumerateArray(), a => a.GetProperty("attempt").GetInt32() == 2);
    }

    private static readonly string[] FailoverCounters = ["sagaworkflow_node_failovers_total", "sagaworkflow_node_stale_results_total"];

    // Savepoints are taken only when results of one workflow arrive together (When_results_arrive_together);
    // When_counting_database_work counts them. Executors lost, cron misfires and store errors count events these tests do
    // not cause (When_reading_the_prometheus_alert_rules produces the first).
    private static readonly string[] NotAlwaysProduced = [.. FailoverCounters, "sagaworkflow_db_savepoints_total", "sagaworkflow_executors_lost_total",
        "sagaworkflow_cron_misfires_total", "sagaworkflow_saga_store_errors_total",
        // Counted only once retention deletes; When_the_retention_job_is_enabled reads it per table.
        "sagaworkflow_retention_rows_purged_total",
        // Counted only when a message fails inside a saga batch; When_results_arrive_together reads it.
        "sagaworkflow_saga_batches_abandoned_total"];

    /// <summary>The delay capability's value of a counter; an absent series (nothing counted yet) is zero.</summary>
    private static double Delay(ExpositionFormat.Scrape scrape, string name) =>
        scrape.Of(name).Where(s => s.Labels.GetValueOrDefault("capability") == "delay").Sum(s => s.Value);

    private async Task<ExpositionFormat.Scrape> ScrapeAsync()
    {
        using var response = await api.Anonymous.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("0.0.4", response.Content.Headers.ContentType?.Parameters.Single(p => p.Name == "version").Value);
        return ExpositionFormat.Parse(await response.Content.ReadAsStringAsync());
    }

    private static double Count(ExpositionFormat.Scrape scrape, string name, string definition) =>
        scrape.Of(name).Where(s => s.Labels.GetValueOrDefault("definition") == definition).Sum(s => s.Value);
}
