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

/// <summary>Integration tests start several processes each; run them one at a time so they do not starve each other of 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class IntegrationCollection
{
    public const string Name = "integration";
}
