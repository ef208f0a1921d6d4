using System.Globalization;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SagaWorkflow.Tests.Dashboard;

/// <summary>
/// 1,000 nodes are drawn whole; 10,000 become a node list plus the selected node's neighbourhood. The render times are
/// measured with the browser's clock and reported (test output and big-graphs.txt beside the screenshots), never asserted.
/// </summary>
public sealed class When_a_workflow_graph_is_big(DashboardHost host, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    /// <summary>
    /// Layers of <paramref name="width"/> nodes, each depending on two nodes of the layer before; the root is a long delay,
    /// so the run stays put while the page is measured (the states are all there, nothing moves).
    /// </summary>
    private static object Layered(string name, int count, int width) => new
    {
        name,
        nodes = Enumerable.Range(0, count).Select(i => i == 0
            ? (object)new { id = "n0", capability = "delay", input = new { ms = 600_000 } }
            : new
            {
                id = $"n{i}", capability = "noop",
                dependsOn = i <= width ? new[] { "n0" } : new[] { $"n{i - width}", $"n{i - width + (i % width == 0 ? -1 : 1)}" }.Distinct().ToArray(),
            }).ToArray(),
    };

    [BrowserFact]
    public async Task A_thousand_nodes_are_drawn_whole_and_ten_thousand_as_a_list_with_a_neighbourhood()
    {
        var thousand = await host.SubmitAsync(Layered("ui-big-1000", 1000, 25));
        await host.WaitForNodeAsync(thousand, "n0", "running");
        var page = await host.NewPageAsync();

        var cold = await DrawAsync(page, $"workflows/{thousand}", 1000);
        var warm = await DrawAsync(page, $"workflows/{thousand}", 1000);
        await page.Locator("[data-node='n500']").ClickAsync();
        await Expect(page.GetByTestId("node-panel")).ToContainTextAsync("n500");
        await DashboardHost.ScreenshotAsync(page, "workflow-1000");

        var tenThousand = await host.SubmitAsync(Layered("ui-big-10000", 10_000, 100));
        await host.WaitForNodeAsync(tenThousand, "n0", "running");
        var big = await host.NewPageAsync();
        var start = DateTime.UtcNow;
        await big.GotoAsync($"workflows/{tenThousand}");
        await Expect(big.GetByRole(Microsoft.Playwright.AriaRole.List, new() { Name = "Nodes" })).ToBeVisibleAsync();
        Assert.Equal(0, await big.Locator("[data-node]").CountAsync());
        var listed = await big.EvaluateAsync<double>("() => performance.now()");
        await Expect(big.Locator("[data-live='true']")).ToHaveCountAsync(1);
        await big.GetByLabel("Find a node").FillAsync("n5050");
        await big.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "n5050 · pending" }).ClickAsync();
        await Expect(big.Locator("[data-node='n5050']")).ToHaveCountAsync(1);
        var neighbourhood = await big.Locator("[data-node]").CountAsync();
        Assert.InRange(neighbourhood, 2, 120);
        await DashboardHost.ScreenshotAsync(big, "workflow-10000");

        var report = string.Create(CultureInfo.InvariantCulture, $"""
            1,000 nodes, first visit (layout computed, MSAGL took {cold.LayoutMs} ms): HTML {cold.Html:0} ms, all nodes in the DOM {cold.Drawn:0} ms after navigation start ("Laying out" seen at {cold.Placeholder:0} ms, live component's first render at {cold.Live:0} ms; -1: not seen)
            1,000 nodes, second visit (layout cached): HTML {warm.Html:0} ms, all nodes in the DOM {warm.Drawn:0} ms
            10,000 nodes: node list shown {listed:0} ms after navigation start (test saw it {(DateTime.UtcNow - start).TotalMilliseconds:0} ms after asking); neighbourhood of n5050: {neighbourhood} nodes
            """);
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(DashboardHost.Screenshots, "big-graphs.txt"), report + Environment.NewLine);
    }

    /// <summary>
    /// Navigates and returns when the response ended and when all <paramref name="nodes"/> were in the DOM, in ms from
    /// navigation start, when the "Laying out" placeholder and the live component were first seen, and how long the server's layout took.
    /// </summary>
    private static async Task<(double Html, double Drawn, double Placeholder, double Live, string? LayoutMs)> DrawAsync(Microsoft.Playwright.IPage page, string url, int nodes)
    {
        await page.GotoAsync(url, new() { WaitUntil = Microsoft.Playwright.WaitUntilState.Commit });
        // Checked on every animation frame in the page (Playwright's default without an interval), so the time is when the nodes appeared, not when a poll saw them.
        // Also notes when "Laying out N nodes" was first seen and when the live component first rendered (-1: never seen).
        var times = await (await page.WaitForFunctionAsync($$"""
            () => {
                const now = performance.now();
                if (window.__shown === undefined && document.querySelector("[data-testid='laying-out']")) window.__shown = now;
                if (window.__live === undefined && document.querySelector("[data-live='true']")) window.__live = now;
                return document.querySelectorAll('[data-node]').length >= {{nodes}} ? [now, window.__shown ?? -1, window.__live ?? -1] : false;
            }
            """, null, new() { Timeout = 30_000 })).JsonValueAsync<double[]>();
        var html = await page.EvaluateAsync<double>("() => performance.getEntriesByType('navigation')[0].responseEnd");
        return (html, times[0], times[1], times[2], await page.GetByTestId("dag").GetAttributeAsync("data-layout-ms"));
    }
}
