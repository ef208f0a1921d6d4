using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SagaWorkflow.Persistence;

/// <summary>
/// Every DateTime is UTC. SQLite stores text without a kind, so values read back are marked UTC here; PostgreSQL
/// (timestamptz) requires UTC on write, which the code guarantees by taking time from TimeProvider.GetUtcNow().
/// </summary>
internal static class UtcDateTimes
{
    private static readonly ValueConverter<DateTime, DateTime> Utc =
        new(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private static readonly ValueConverter<DateTime?, DateTime?> NullableUtc =
        new(v => v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);

    public static void Apply(ModelBuilder modelBuilder)
    {
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.ClrType == typeof(DateTime))
                property.SetValueConverter(Utc);
            else if (property.ClrType == typeof(DateTime?))
                property.SetValueConverter(NullableUtc);
        }
    }
}
