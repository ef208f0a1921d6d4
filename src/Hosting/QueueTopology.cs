using System.Collections.Concurrent;
using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using SagaWorkflow.Contracts;

namespace SagaWorkflow.Hosting;

/// <summary>
/// The one place that decides what the durable queues look like on RabbitMQ (<see cref="QueueShape"/>), and asks the
/// broker before anything declares one. Node queues (<c>node.&lt;capability&gt;</c>, their pools' and executors'
/// queues) are classic queues with priorities, or quorum queues with <c>RabbitMq:QueueType</c> Quorum; the other durable
/// queues (<c>workflow-state</c>, <c>executor-state</c>, <c>workflow-submit</c>, <c>scheduler</c>, <c>executor-failover</c>)
/// are classic or quorum by the same setting. Temporary queues stay as MassTransit makes them.
/// <para>
/// Queue arguments cannot change on an existing queue (the broker answers 406 PRECONDITION_FAILED to a declaration that
/// differs), and a deployment made by an earlier version or with the other setting has its queues already. So the shape
/// wanted is declared first and, when the broker refuses it as inequivalent, the other shapes in turn; the queue is then
/// used as it is, with a warning, until an operator moves it (docs/operations.md, "Node priorities" and "Queue type").
/// Every receive endpoint is shaped so before it is built (<see cref="EndpointConfigured{T}"/>); an orchestrator also
/// declares a node queue with its exchange and binding before it first sends to it (<see cref="EnsureNodeQueueAsync"/>),
/// so a node sent before any executor of its capability started waits in its queue.
/// </para>
/// <para>
/// Declaring takes a connection of its own from the official client, opened on first use: MassTransit's send topology
/// can declare a queue but not with arguments, and its receive endpoints only for queues this process consumes.
/// </para>
/// </summary>
public sealed class QueueTopology(RabbitMqOptions rabbit, ILogger<QueueTopology> logger) : IEndpointConfigurationObserver, IAsyncDisposable
{
    /// <summary>The highest node priority, also a classic node queue's <c>x-max-priority</c> (one sub-queue per level).</summary>
    public const byte MaxPriority = 9;

    private const string MaxPriorityArgument = "x-max-priority";
    private const string QueueTypeArgument = "x-queue-type";
    private const ushort PreconditionFailed = 406;
    private static readonly TimeSpan StartProbeTimeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, QueueShape> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _bound = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    /// <summary>The shape this version gives <paramref name="queue"/> when it makes it.</summary>
    public QueueShape WantedFor(string queue) =>
        rabbit.QueueType == RabbitMqQueueType.Quorum ? QueueShape.Quorum
        : NodeQueues.IsNodeQueue(queue) && rabbit.NodePriorities ? QueueShape.ClassicWithPriorities
        : QueueShape.Classic;

    /// <summary>
    /// Makes sure node queue <paramref name="queue"/> exists, bound to its fanout exchange as MassTransit binds a
    /// receive endpoint's, and says its shape. Remembered for the life of the process. Throws when the broker cannot
    /// be reached; the caller decides what that means.
    /// </summary>
    public async Task<QueueShape> EnsureNodeQueueAsync(string queue, CancellationToken cancellationToken)
    {
        var shape = await ShapeAsync(queue, cancellationToken).ConfigureAwait(false);
        if (_bound.ContainsKey(queue))
            return shape;
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await channel.QueueBindAsync(queue, queue, "", cancellationToken: cancellationToken).ConfigureAwait(false);
        _bound[queue] = true;
        return shape;
    }

    /// <summary>The shape <paramref name="queue"/> has on the broker, declaring it in the wanted shape when it is missing.</summary>
    public async Task<QueueShape> ShapeAsync(string queue, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(queue, out var known))
            return known;
        var wanted = WantedFor(queue);
        foreach (var shape in Candidates(queue, wanted))
        {
            if (!await TryDeclareAsync(queue, shape, cancellationToken).ConfigureAwait(false))
                continue;
            if (shape != wanted)
                logger.LogWarning("Queue {Queue} was made {Shape}, not {Wanted}, and a queue's arguments cannot change in place: it is used as it is "
                    + "until it is moved (docs/operations.md, \"Node priorities\" and \"Queue type\")", queue, Describe(shape), Describe(wanted));
            return _known.GetOrAdd(queue, shape);
        }

        throw new InvalidOperationException($"queue '{queue}' exists with arguments this version does not make (none of: "
            + $"{string.Join(", ", Candidates(queue, wanted).Select(Describe))}); delete or move it (docs/operations.md, \"Queue type\")");
    }

    /// <summary>
    /// Shapes a durable receive endpoint's queue as the broker has it (or will make it) before MassTransit declares it:
    /// otherwise its declaration would be refused and the endpoint would fault over and over. When the broker cannot be
    /// reached yet, the wanted shape: right for a new queue; for an old one the endpoint's refusal says so in the log.
    /// </summary>
    public void EndpointConfigured<T>(T configurator)
        where T : IReceiveEndpointConfigurator
    {
        if (configurator is not (IRabbitMqReceiveEndpointConfiguration { Settings: { Durable: true, AutoDelete: false, Exclusive: false } settings }
            and IRabbitMqReceiveEndpointConfigurator endpoint))
            return;
        var queue = settings.QueueName;
        QueueShape shape;
        using (var timeout = new CancellationTokenSource(StartProbeTimeout))
        {
            try
            {
                // Synchronous by MassTransit's contract; this runs once per endpoint while the bus is built, before it starts.
                shape = ShapeAsync(queue, timeout.Token).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationCanceledException or OperationInterruptedException
                or System.Net.Sockets.SocketException or IOException)
            {
                shape = WantedFor(queue);
                logger.LogWarning("Could not ask the broker how queue {Queue} was made ({Error}); declaring it {Shape}", queue, e.Message, Describe(shape));
            }
        }

        if (shape == QueueShape.Quorum)
            endpoint.SetQuorumQueue();
        else if (shape == QueueShape.ClassicWithPriorities)
            endpoint.EnablePriority(MaxPriority);
    }

    /// <summary>
    /// <c>_error</c> and <c>_skipped</c> queues copy their source queue's arguments in MassTransit; here they stay plain
    /// classic queues whatever their source is, as every earlier version made them: they hold debris for a person to
    /// read, not work, and one made otherwise would refuse the next fault moved into it.
    /// </summary>
    public static void KeepPlainClassic(IRabbitMqQueueBindingConfigurator queue)
    {
        queue.SetQueueArgument(MaxPriorityArgument, null!);
        queue.SetQueueArgument(QueueTypeArgument, null!);
    }

    private static IEnumerable<QueueShape> Candidates(string queue, QueueShape wanted) =>
        new[] { wanted }.Concat((NodeQueues.IsNodeQueue(queue)
            ? [QueueShape.ClassicWithPriorities, QueueShape.Classic, QueueShape.Quorum]
            : new[] { QueueShape.Classic, QueueShape.Quorum }).Where(s => s != wanted));

    // False when the broker refuses the arguments as inequivalent to the queue it has; a refusal closes the channel, so
    // every attempt takes a fresh one.
    private async Task<bool> TryDeclareAsync(string queue, QueueShape shape, CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Arguments(shape),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == PreconditionFailed)
        {
            return false;
        }
    }

    // As MassTransit writes them for an endpoint (SetQuorumQueue, an int priority), so either side's declaration of a
    // queue is equivalent to the other's.
    private static Dictionary<string, object?> Arguments(QueueShape shape) => shape switch
    {
        QueueShape.ClassicWithPriorities => new() { [MaxPriorityArgument] = (int)MaxPriority },
        QueueShape.Quorum => new() { [QueueTypeArgument] = "quorum" },
        _ => [],
    };

    private static string Describe(QueueShape shape) => shape switch
    {
        QueueShape.ClassicWithPriorities => "a classic queue with priorities",
        QueueShape.Quorum => "a quorum queue",
        _ => "a classic queue without priorities",
    };

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
                ClientProvidedName = "sagaworkflow queue topology",
                // A few declarations, rarely: the client's own recovery would only hide a broken broker here.
                AutomaticRecoveryEnabled = false,
            };
            if (rabbit.UseTls)
            {
                factory.Ssl.Enabled = true;
                factory.Ssl.ServerName = rabbit.EffectiveTlsServerName;
                factory.Ssl.Version = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
            }

            _connection = await factory.CreateConnectionAsync(rabbit.EffectiveNodes.Select(n => new AmqpTcpEndpoint(n.Host, n.Port, factory.Ssl)),
                cancellationToken).ConfigureAwait(false);
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

/// <summary>How a durable queue was made on the broker.</summary>
public enum QueueShape
{
    /// <summary>A classic queue without arguments: what every version before priorities made.</summary>
    Classic,

    /// <summary>A classic node queue with <c>x-max-priority</c> 9: nodes' priorities order delivery.</summary>
    ClassicWithPriorities,

    /// <summary>A quorum queue (<c>x-queue-type</c> quorum): replicated on a cluster; no priorities on RabbitMQ 3.x.</summary>
    Quorum,
}

/// <summary>Which kind of queue the durable queues are made as (<c>RabbitMq:QueueType</c>).</summary>
public enum RabbitMqQueueType
{
    /// <summary>Classic durable queues on one broker node; node queues with priorities.</summary>
    Classic,

    /// <summary>Quorum queues, replicated across a cluster's nodes; node priorities are ignored.</summary>
    Quorum,
}
