using Microsoft.Extensions.Configuration;
using SagaWorkflow.Orchestrator.Retention;

namespace SagaWorkflow.Tests.Retention;

/// <summary><c>Retention:*</c> as an orchestrator reads and checks it at start.</summary>
public sealed class When_configuring_retention
{
    [Fact]
    public void Nothing_set_is_off_with_30_days_hourly_in_batches_of_1000()
    {
        var options = Read([]);

        Assert.Equal((false, TimeSpan.FromDays(30), TimeSpan.FromHours(1), 1000), (options.Enabled, options.OlderThan, options.Interval, options.BatchSize));
        Assert.Empty(Problems(options));
    }

    [Fact]
    public void Durations_are_read_as_definitions_write_them_or_as_timespans()
    {
        var options = Read(new() { ["Retention:Enabled"] = "true", ["Retention:OlderThan"] = "7d", ["Retention:Interval"] = "00:30:00", ["Retention:BatchSize"] = "500" });

        Assert.Equal((true, TimeSpan.FromDays(7), TimeSpan.FromMinutes(30), 500), (options.Enabled, options.OlderThan, options.Interval, options.BatchSize));
        Assert.Empty(Problems(options));
    }

    [Fact]
    public void Every_bad_value_is_named_with_its_key_at_once()
    {
        var options = Read(new() { ["Retention:Enabled"] = "yes", ["Retention:OlderThan"] = "a month", ["Retention:Interval"] = "10s", ["Retention:BatchSize"] = "0" });

        Assert.Equal([
            "Retention:Enabled must be true or false, not 'yes'",
            "Retention:OlderThan 'a month' is not a duration; use e.g. 30d, 12h, 90m or 30.00:00:00",
            "Retention:Interval must be at least 1m, not 00:00:10",
            "Retention:BatchSize must be 1-10000, not 0",
        ], Problems(options));
    }

    [Fact]
    public void An_age_under_an_hour_and_a_batch_over_10000_are_refused()
    {
        var options = Read(new() { ["Retention:OlderThan"] = "30m", ["Retention:BatchSize"] = "20000" });

        Assert.Equal([
            "Retention:OlderThan must be at least 1h (a younger finished run may still be looked at), not 00:30:00",
            "Retention:BatchSize must be 1-10000, not 20000",
        ], Problems(options));
    }

    private static RetentionOptions Read(Dictionary<string, string?> settings)
    {
        var options = new RetentionOptions();
        options.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(RetentionOptions.Section));
        return options;
    }

    private static IEnumerable<string> Problems(RetentionOptions options) =>
        new RetentionOptionsValidator().Validate(null, options).Failures ?? [];
}
