using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SagaWorkflow.CommandLine;
using SagaWorkflow.Persistence;
using SagaWorkflow.Tests.Persistence;

namespace SagaWorkflow.Tests.Retention;

/// <summary>One serve host (local mode, SQLite) shared by the class: the purge endpoint's checks and the CLI's output.</summary>
public sealed class When_purging_through_the_api_and_cli(When_purging_through_the_api_and_cli.Host host)
    : IClassFixture<When_purging_through_the_api_and_cli.Host>
{
    [Fact]
    public async Task A_dry_run_prints_the_counts_and_deletes_nothing_then_a_purge_by_state_deletes_only_that_state()
    {
        var factory = host.Database.Factory;
        var now = DateTime.UtcNow;
        var completed = await RetentionSeed.OneAsync(factory, "Completed", now.AddDays(-8), now.AddDays(-8));
        var failed = await RetentionSeed.OneAsync(factory, "Failed", now.AddDays(-8), now.AddDays(-8));
        var young = await RetentionSeed.OneAsync(factory, "Completed", now.AddDays(-6), now.AddDays(-6));

        var (dryExit, dryOutput, dryErrors) = await host.Api.SagaflowAsync("purge", "--older-than", "7d", "--dry-run");
        var (exit, output, errors) = await host.Api.SagaflowAsync("purge", "--older-than", "7d", "--state", "completed");

        Assert.True(dryExit == ExitCodes.Ok, dryErrors);
        Assert.Matches(@"^dry run: would purge 2 workflow\(s\) Completed/Failed/Cancelled that finished before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: " +
            @"4 node\(s\), 4 attempt\(s\), 0 schedule fire\(s\)\r?\n$", dryOutput);
        Assert.True(exit == ExitCodes.Ok, errors);
        Assert.Matches(@"^purged 1 workflow\(s\) Completed that finished before .* UTC: 2 node\(s\), 2 attempt\(s\), 0 schedule fire\(s\) in 1 batch\(es\)\r?\n$", output);
        var left = (await RetentionSeed.RemainingAsync(factory)).Workflows;
        Assert.DoesNotContain(completed, left);
        Assert.Contains(failed, left);
        Assert.Contains(young, left);
    }

    [Fact]
    public async Task The_cli_refuses_a_purge_without_an_age_before_asking_the_api()
    {
        var (exit, _, errors) = await host.Api.SagaflowAsync("purge");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("--older-than", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_state_is_refused_with_the_states_that_can_be_purged()
    {
        var (exit, _, errors) = await host.Api.SagaflowAsync("purge", "--older-than", "7d", "--state", "Running");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("400", errors, StringComparison.Ordinal);
        Assert.Contains("'state' must be a state a workflow ends in: Completed, Failed, Cancelled; got 'Running'", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_age_under_an_hour_is_refused_so_minutes_typed_for_days_delete_nothing()
    {
        var (exit, _, errors) = await host.Api.SagaflowAsync("purge", "--older-than", "7m");

        Assert.Equal(ExitCodes.Refused, exit);
        Assert.Contains("'olderThan' must be at least 1h", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_endpoint_lists_every_problem_of_a_body_and_needs_an_admin_key()
    {
        using var bad = await host.Api.Admin.PostAsJsonAsync("/api/v1/maintenance/purge", new { olderThan = "soon", dryRun = "yes", before = 1 });
        using var anonymous = await host.Api.Anonymous.PostAsJsonAsync("/api/v1/maintenance/purge", new { olderThan = "7d" });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problems = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("property").GetString()).Order();
        Assert.Equal(["before", "dryRun", "olderThan"], problems);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    public sealed class Host : IAsyncLifetime
    {
        public ScratchDatabase Database { get; private set; } = null!;
        public RetentionHost Api { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Database = await ScratchDatabase.CreateAsync(DatabaseProvider.Sqlite);
            Api = await RetentionHost.StartAsync(Database);
        }

        public async Task DisposeAsync()
        {
            await Api.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
