using SagaWorkflow.Orchestrator.ExecutorRegistry;

namespace SagaWorkflow.Tests.Routing;

/// <summary>
/// Rendezvous hashing of routing keys: the same in every process and release, even across executors, and when an
/// executor leaves or joins only the keys it owned (or takes) move.
/// </summary>
public sealed class When_keys_are_hashed_to_executors
{
    private static readonly string[] Three = ["executor-1", "executor-2", "executor-3"];
    private static readonly List<string> Keys = Enumerable.Range(0, 30_000).Select(i => $"customer-{i}").ToList();

    [Fact]
    public void The_score_is_a_fixed_function_of_key_and_executor()
    {
        // Pinned values: a change here would move every key of every running deployment at the upgrade.
        Assert.Equal(RendezvousHash.Score("customer-42", "executor-1"), RendezvousHash.Score("customer-42", "executor-1"));
        Assert.Equal(0x11348cb4b1a84053UL, RendezvousHash.Score("customer-42", "executor-1"));
        Assert.NotEqual(RendezvousHash.Score("ab", "c"), RendezvousHash.Score("a", "bc"));
    }

    [Fact]
    public void The_owner_does_not_depend_on_the_order_executors_are_listed_in()
    {
        foreach (var key in Keys.Take(1000))
            Assert.Equal(RendezvousHash.Owner(key, Three), RendezvousHash.Owner(key, Three.Reverse()));
    }

    [Fact]
    public void Keys_spread_evenly_over_three_executors()
    {
        var counts = Keys.GroupBy(k => RendezvousHash.Owner(k, Three)!).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(Three.Order(), counts.Keys.Order());
        // 10,000 each expected; 3 % either way is over five standard deviations for a fair split.
        Assert.All(counts.Values, count => Assert.InRange(count, 9_700, 10_300));
    }

    [Fact]
    public void When_an_executor_leaves_only_its_keys_move_and_they_spread_over_the_rest()
    {
        var before = Keys.ToDictionary(k => k, k => RendezvousHash.Owner(k, Three)!);
        var survivors = Three.Where(e => e != "executor-2").ToArray();

        var moved = Keys.Where(k => RendezvousHash.Owner(k, survivors) != before[k]).ToList();

        Assert.All(moved, k => Assert.Equal("executor-2", before[k]));
        Assert.Equal(Keys.Count(k => before[k] == "executor-2"), moved.Count);
        var destinations = moved.GroupBy(k => RendezvousHash.Owner(k, survivors)).Select(g => g.Count()).ToList();
        Assert.Equal(2, destinations.Count);
        Assert.All(destinations, count => Assert.InRange(count, moved.Count * 45 / 100, moved.Count * 55 / 100));
    }

    [Fact]
    public void When_an_executor_joins_it_takes_about_a_quarter_of_the_keys_and_nothing_else_moves()
    {
        var four = Three.Append("executor-4").ToArray();

        var moved = Keys.Where(k => RendezvousHash.Owner(k, four) != RendezvousHash.Owner(k, Three)).ToList();

        Assert.All(moved, k => Assert.Equal("executor-4", RendezvousHash.Owner(k, four)));
        Assert.InRange(moved.Count, Keys.Count * 23 / 100, Keys.Count * 27 / 100);
    }

    [Fact]
    public void Similar_executor_ids_get_unrelated_scores()
    {
        // FNV-1a alone scores worker-1 and worker-2 alike for short keys; the finalizer must separate them.
        var wins = Keys.Count(k => RendezvousHash.Score(k, "worker-1") > RendezvousHash.Score(k, "worker-2"));

        Assert.InRange(wins, Keys.Count * 48 / 100, Keys.Count * 52 / 100);
    }

    [Fact]
    public void No_candidates_means_no_owner() => Assert.Null(RendezvousHash.Owner("customer-1", []));
}
