using System.Reflection;
using Xunit.Sdk;

namespace SagaWorkflow.Tests.Integration;

/// <summary>The distributed stores every integration test runs on (SQLite, the embedded default, has local-mode tests).</summary>
public enum Store
{
    MySql,
    Postgres,
}

/// <summary>Runs a theory once per store: <c>[IntegrationTheory, Stores] public async Task X(Store store)</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoresAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => Enum.GetValues<Store>().Select(s => new object[] { s });
}
