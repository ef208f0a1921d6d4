using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace SagaWorkflow.Hosting;

/// <summary>
/// The one place that knows what a node queue (<c>node.&lt;capability&gt;</c>, its pools' and executors' queues) looks
/// like on the broker, and declares it. A node queue is a durable classic queue with <c>x-max-priority</c> 9, bound to
/// the fanout exchange of the same name, so a node's priority decides which waiting node an executor gets next.
/// <para>
/// Queue arguments cannot change on an existing queue (the broker answers 406 PRECONDITION_FAILED to a declaration that
/// differs), and deployments made before priorities have node queues without them. Both sides therefore ask the broker
/// rather than assume: a declaration with priorities that is refused as inequivalent is retried without, and the queue
/// is used as it is — its nodes' priorities are then ignored until an operator moves the queue (docs/operations.md,
/// "Node priorities"). Orchestrators declare before they send (so a node sent before any executor of its capability
/// started waits in its queue); executors declare before their endpoint does, so the endpoint repeats what the broker has.
/// </para>
/// <para>
/// Declaring takes a connection of its own from the official client, opened on first use: MassTransit's send topology
/// can declare a queue but not with arguments, and its receive endpoints only for queues this process consumes.
/// </para>
/// </summary>
public sealed class NodeQueueTopology(RabbitMqOptions rabbit, bool priorities, ILogger<NodeQueueTopology> logger) : IAsyncDisposable
{
    /// <summary>The highest node priority, also the queue's <c>x-max-priority</c> (one sub-queue per level on the broker).</summary>
    public const byte MaxPriority = 9;

    private const string MaxPriorityArgument = "x-max-priority";
    private const ushort PreconditionFailed = 406;

    private readonly ConcurrentDictionary<string, NodeQueueShape> _declared = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    /// <summary>The shape this version gives a node queue it creates.</summary>
    public NodeQueueShape Wanted => priorities ? NodeQueueShape.Priorities : NodeQueueShape.Plain;

    /// <summary>
    /// Makes sure <paramref name="queue"/> exists, bound to its exchange, and says which shape it has. Remembered per
    /// queue for the life of the process: a queue's arguments cannot change under it. Throws when the broker cannot be
    /// reached; the caller decides what that means.
    /// </summary>
    public async Task<NodeQueueShape> EnsureAsync(string queue, CancellationToken cancellationToken)
    {
        if (_declared.TryGetValue(queue, out var known))
            return known;
        var shape = await DeclareAsync(queue, Wanted, cancellationToken).ConfigureAwait(false)
            ?? await DeclareAsync(queue, Other(Wanted), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException(
                $"queue '{queue}' exists with arguments that are neither of a node queue with priorities nor of one without; "
                + "delete or move it (docs/operations.md, \"Node priorities\")");
        if (shape != Wanted)
            logger.LogWarning("Queue {Queue} was made {Shape} and its arguments cannot change in place: nodes' priorities are ignored on it "
                + "until it is moved (docs/operations.md, \"Node priorities\")", queue, shape == NodeQueueShape.Plain ? "without priorities" : "with priorities");
        return _declared.GetOrAdd(queue, shape);
    }

    /// <summary>
    /// <see cref="EnsureAsync"/> for an executor configuring its endpoints, which cannot wait asynchronously. When the
    /// broker cannot be reached yet, the shape this version wants: right for a new queue, and for a queue made without
    /// priorities the endpoint's refused declaration says so in the log until the queue is moved.
    /// </summary>
    public NodeQueueShape ShapeAtStart(string queue)
    {
        using var timeout = new CancellationTokenSource(StartProbeTimeout);
        try
        {
            return EnsureAsync(queue, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationCanceledException or OperationInterruptedException
            or System.Net.Sockets.SocketException or IOException)
        {
            logger.LogWarning("Could not ask the broker how queue {Queue} was made ({Error}); declaring it {Shape}", queue, e.Message, Wanted);
            return Wanted;
        }
    }

    private static readonly TimeSpan StartProbeTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The queue arguments of <paramref name="shape"/>, for a receive endpoint that declares the queue itself.</summary>
    public static void Apply(NodeQueueShape shape, IReceiveEndpointConfigurator endpoint)
    {
        if (shape == NodeQueueShape.Priorities && endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
            rabbitEndpoint.SetQueueArgument(MaxPriorityArgument, (int)MaxPriority);
    }

    // Null when the broker refuses the arguments as inequivalent to the queue it has; a refusal closes the channel, so
    // every attempt takes a fresh one.
    private async Task<NodeQueueShape?> DeclareAsync(string queue, NodeQueueShape shape, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            // As MassTransit declares it for a receive endpoint, so neither side's declaration refuses the other's.
            await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Arguments(shape),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(queue, queue, "", cancellationToken: cancellationToken).ConfigureAwait(false);
            return shape;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == PreconditionFailed)
        {
            return null;
        }
    }

    private static Dictionary<string, object?> Arguments(NodeQueueShape shape) =>
        shape == NodeQueueShape.Priorities ? new() { [MaxPriorityArgument] = (int)MaxPriority } : [];

    private static NodeQueueShape Other(NodeQueueShape shape) =>
        shape == NodeQueueShape.Priorities ? NodeQueueShape.Plain : NodeQueueShape.Priorities;

    private async Task<IConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
            return open;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { IsOpen: true } raced)
                return raced;
            if (_connection is not null)
                await _connection.DisposeAsync().ConfigureAwait(false);
            var factory = new ConnectionFactory
            {
                HostName = rabbit.Host,
                Port = rabbit.EffectivePort,
                VirtualHost = rabbit.VirtualHost,
                UserName = rabbit.Username,
                Password = rabbit.Password,
                ClientProvidedName = "sagaworkflow node queue topology",
                // One declaration at a time, rarely: the client's own recovery would only hide a broken broker here.
                AutomaticRecoveryEnabled = false,
            };
            if (rabbit.UseTls)
            {
                factory.Ssl.Enabled = true;
                factory.Ssl.ServerName = rabbit.EffectiveTlsServerName;
                factory.Ssl.Version = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
            }

            _connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
            await _connection.DisposeAsync().ConfigureAwait(false);
        _connecting.Dispose();
    }
}

/// <summary>How a node queue was made on the broker.</summary>
public enum NodeQueueShape
{
    /// <summary>With <c>x-max-priority</c>: nodes' priorities order delivery.</summary>
    Priorities,

    /// <summary>Without: made before priorities, or with <c>RabbitMq:NodePriorities</c> false; priorities are ignored.</summary>
    Plain,
}
