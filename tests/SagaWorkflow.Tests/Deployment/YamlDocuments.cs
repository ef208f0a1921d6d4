using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace SagaWorkflow.Tests.Deployment;

/// <summary>
/// The documents of a YAML file (several in one, separated by <c>---</c>) as plain maps and lists, for tests that check
/// deployment files structurally where nothing can apply them (no Kubernetes cluster, no Prometheus server here).
/// </summary>
public static class YamlDocuments
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static List<Dictionary<string, object?>> Read(string path)
    {
        var parser = new Parser(new StringReader(File.ReadAllText(path)));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<string, object?>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object?>(parser) is { } document)
                documents.Add(Map(document, path));
        }

        return documents;
    }

    /// <summary>The map at <paramref name="path"/> (keys separated by dots) of <paramref name="node"/>; fails naming the path when absent.</summary>
    public static Dictionary<string, object?> Map(object? node, string path) =>
        node switch
        {
            Dictionary<string, object?> map => map,
            Dictionary<object, object?> raw => raw.ToDictionary(kv => Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture)!, kv => kv.Value),
            _ => throw new Xunit.Sdk.XunitException($"{path} is not a map: {node}"),
        };

    public static List<object?> List(object? node, string path) =>
        node as List<object?> ?? throw new Xunit.Sdk.XunitException($"{path} is not a list: {node}");

    /// <summary>Follows <paramref name="keys"/> from <paramref name="node"/>; null when one is missing.</summary>
    public static object? At(object? node, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (node is null)
                return null;
            node = Map(node, key).GetValueOrDefault(key);
        }

        return node;
    }

    public static string? Text(object? node, params string[] keys) => At(node, keys) as string;
}
