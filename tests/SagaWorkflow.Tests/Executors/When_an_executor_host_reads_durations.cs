using Microsoft.Extensions.Configuration;
using SagaWorkflow.Executors;

namespace SagaWorkflow.Tests.Executors;

public sealed class When_an_executor_host_reads_durations
{
    private static IConfigurationRoot Configuration(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    [Theory]
    [InlineData("1s", "00:00:01")]
    [InlineData("250ms", "00:00:00.2500000")]
    [InlineData("00:00:30", "00:00:30")]
    public void Short_and_timespan_forms_become_timespans_the_binder_reads(string given, string expected)
    {
        var configuration = Configuration("Executor:HeartbeatInterval", given);

        Assert.True(ExecutorHost.NormalizeDurations(configuration, TextWriter.Null));

        Assert.Equal(expected, configuration["Executor:HeartbeatInterval"]);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("0s")]
    public void A_value_that_is_no_positive_duration_is_reported_by_its_switch(string given)
    {
        var configuration = Configuration("Executor:ShutdownDrainDeadline", given);
        var errors = new StringWriter();

        Assert.False(ExecutorHost.NormalizeDurations(configuration, errors));

        Assert.Contains($"--drain-deadline (Executor:ShutdownDrainDeadline): '{given}' is not a positive duration", errors.ToString(), StringComparison.Ordinal);
    }
}
