using System.Net.Http.Json;
using System.Text.Json;

namespace SagaWorkflow.Tests.Api;

public sealed class When_scraping_metrics(ApiHost api) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task After_workflows_run_every_instrument_is_exposed_in_the_exposition_format()
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
        // MassTransit's own meter is process-wide and goes away with the first bus disposed in this shared test process,
        // so its instruments are checked on a real orchestrator process (When_an_orchestrator_loses_its_database).
    }

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
