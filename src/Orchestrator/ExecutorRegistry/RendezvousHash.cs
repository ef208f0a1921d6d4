using System.Text;

namespace SagaWorkflow.Orchestrator.ExecutorRegistry;

/// <summary>
/// Rendezvous (highest-random-weight) hashing: a routing key belongs to the candidate whose score for (key, candidate)
/// is highest. Every orchestrator computes the same owner from the same set of online executors with no shared state;
/// when an executor leaves only the keys it owned move (each to its runner-up), and when one joins it takes about 1/n of
/// the keys from the others. The score must be the same in every process and release, so it is a fixed function (FNV-1a
/// over UTF-8, then a 64-bit finalizer for avalanche) and never <see cref="string.GetHashCode()"/>, which is randomised per process.
/// </summary>
public static class RendezvousHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>The owner of <paramref name="key"/> among <paramref name="candidates"/> (ids), or null when there are none.</summary>
    public static string? Owner(string key, IEnumerable<string> candidates) => Owner(key, candidates, id => id);

    /// <summary>The candidate that owns <paramref name="key"/>; ties (astronomically rare) go to the ordinally smaller id.</summary>
    public static T? Owner<T>(string key, IEnumerable<T> candidates, Func<T, string> idOf)
    {
        T? best = default;
        string? bestId = null;
        var bestScore = 0UL;
        foreach (var candidate in candidates)
        {
            var id = idOf(candidate);
            var score = Score(key, id);
            if (bestId is null || score > bestScore || (score == bestScore && string.CompareOrdinal(id, bestId) < 0))
                (best, bestId, bestScore) = (candidate, id, score);
        }

        return best;
    }

    /// <summary>The weight of <paramref name="executorId"/> for <paramref name="key"/>.</summary>
    public static ulong Score(string key, string executorId)
    {
        var hash = FnvOffset;
        hash = Add(hash, key);
        // 0xFF never occurs in UTF-8, so ("ab", "c") and ("a", "bc") cannot hash alike.
        hash = (hash ^ 0xFF) * FnvPrime;
        hash = Add(hash, executorId);
        return Mix(hash);
    }

    private static ulong Add(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length ? buffer[..Encoding.UTF8.GetBytes(text, buffer)] : Encoding.UTF8.GetBytes(text);
        foreach (var b in bytes)
            hash = (hash ^ b) * FnvPrime;
        return hash;
    }

    // MurmurHash3's fmix64: FNV-1a alone leaves the high bits weakly mixed for short, similar inputs (worker-1, worker-2).
    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }
}
