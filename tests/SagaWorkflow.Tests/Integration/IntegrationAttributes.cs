namespace SagaWorkflow.Tests.Integration;

/// <summary>
/// A test that needs the real RabbitMQ, MySQL and PostgreSQL started by scripts/test.sh, run once per store with
/// <see cref="StoresAttribute"/>. Without them (plain <c>dotnet test</c>) it is reported as skipped, with the reason,
/// rather than silently passing.
/// </summary>
public sealed class IntegrationTheoryAttribute : TheoryAttribute
{
    public IntegrationTheoryAttribute()
    {
        if (!IntegrationEnvironment.Available)
            Skip = "needs RabbitMQ, MySQL and PostgreSQL: run scripts/test.sh (SAGAWORKFLOW_TEST_RABBITMQ / _MYSQL / _POSTGRES are not set)";
    }
}

/// <summary>An integration test that is not per store (it covers both stores itself); skipped like <see cref="IntegrationTheoryAttribute"/>.</summary>
public sealed class IntegrationFactAttribute : FactAttribute
{
    public IntegrationFactAttribute()
    {
        if (!IntegrationEnvironment.Available)
            Skip = "needs RabbitMQ, MySQL and PostgreSQL: run scripts/test.sh (SAGAWORKFLOW_TEST_RABBITMQ / _MYSQL / _POSTGRES are not set)";
    }
}

/// <summary>
/// How integration tests share the machine. Each test has its own vhost and database, so most run side by side
/// (xunit.runner.json caps how many at once): they spend their time waiting on timers and processes, not on the CPU.
/// Two groups are kept apart.
/// </summary>
public static class IntegrationCollections
{
    /// <summary>Tests that keep several processes at full load: one at a time, beside the lighter ones.</summary>
    public const string Load = "integration-load";

    /// <summary>
    /// Tests that stop and start the shared broker and database servers: alone, once every other test has finished
    /// (xUnit runs collections that disable parallelization after the parallel ones).
    /// </summary>
    public const string Faults = "integration-faults";
}

[CollectionDefinition(IntegrationCollections.Load)]
public sealed class LoadCollection;

[CollectionDefinition(IntegrationCollections.Faults, DisableParallelization = true)]
public sealed class FaultsCollection;
