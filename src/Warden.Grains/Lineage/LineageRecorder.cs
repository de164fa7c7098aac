using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Events;
using Warden.Grains.Sessions;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Privacy;
using Warden.Lineage.Query;
using Warden.Lineage.Records;
using Warden.Sessions;

namespace Warden.Grains.Lineage;

/// <summary>
/// The grains' side of lineage (one per silo): maps events to lineage events, redacts decision contexts with the
/// tenant's key, and appends through the tenant's <see cref="ILineageWriterGrain"/>. Registered only when lineage is on.
/// </summary>
public sealed class LineageRecorder
{
    private readonly IGrainFactory _grains;
    private readonly LineageWriter _writer;
    private readonly ILineageLog _log;
    private readonly WardenLineageOptions _options;
    private readonly SensitivePaths _sensitive;
    private readonly ILogger<LineageRecorder> _logger;
    // Refuses an unpaired surrogate in the tool arguments (the recorder then fails, and the decision is a deny).
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] InputPrefix = Encoding.UTF8.GetBytes("{\"input\":");

    private readonly ConcurrentDictionary<string, byte[]> _tenantKeys = new(StringComparer.Ordinal);

    /// <summary>Creates the recorder.</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="writer">The silo's chain writer (appended to directly when <see cref="WardenLineageOptions.AppendInProcess"/>).</param>
    /// <param name="log">The silo's lineage log (read when a session replays its journal).</param>
    /// <param name="options">Lineage options (a context key is required).</param>
    /// <param name="logger">Where failures are logged (never with record contents).</param>
    public LineageRecorder(IGrainFactory grains, LineageWriter writer, ILineageLog log, IOptions<WardenLineageOptions> options, ILogger<LineageRecorder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _grains = grains;
        _writer = writer;
        _log = log;
        _options = options.Value;
        _logger = logger;
        if (_options.ContextKey is not { Length: >= ContextRedactor.MinimumKeyLength })
        {
            throw new OptionsValidationException(WardenLineageOptions.SectionName, typeof(WardenLineageOptions), [$"Warden:Lineage:ContextKey must hold at least {ContextRedactor.MinimumKeyLength} bytes."]);
        }

        _sensitive = SensitivePaths.Parse(_options.SensitiveArguments);
    }

    /// <summary>Durable or asynchronous.</summary>
    public LineageMode Mode => _options.Durability;

    /// <summary>The silo's lineage options (write-behind settings of the session journal).</summary>
    internal WardenLineageOptions Options => _options;

    /// <summary>
    /// Records a batch of decisions (and the other session events committed with them). Returns the highest tenant
    /// sequence of the records (durable mode; 0 in async mode), or null when the records are not known to be durable
    /// (durable mode) or could not be queued: the caller answers deny.
    /// </summary>
    internal async Task<long?> RecordDecisionsAsync(string tenantId, SessionState state, IReadOnlyList<SessionEvent> events, ImmutableArray<EvaluationRequest> requests, ImmutableArray<Decision> decisions)
    {
        try
        {
            var output = MapDecisionBatch(tenantId, state, events, requests, decisions);
            if (output.Count == 0)
            {
                return 0;
            }

            if (!_options.AppendInProcess)
            {
                var sequences = await _grains.GetGrain<ILineageWriterGrain>(tenantId).AppendAsync([.. output]);
                return Highest(sequences.IsDefault ? [] : sequences.AsSpan());
            }

            // One group: queued in call order, chained contiguously, committed in one transaction, completed once. Awaited
            // here, not through another async frame: one continuation per batch when the commit completes.
            var records = await _writer.AppendManyAsync(output);
            long highest = 0;
            foreach (var record in records)
            {
                highest = Math.Max(highest, record.Sequence);
            }

            // Asynchronous mode: queued, no records (and no sequences) yet.
            return highest;
        }
        catch (Exception ex)
        {
            LineageLog.LineageAppendFailed(_logger, ex, tenantId, "decision");
            return null;
        }
    }

    /// <summary>
    /// The lineage events of a batch of decisions and the other session events committed with them, in order: each
    /// decision with its redacted tool arguments, then the grants the batch used up. Throws when arguments cannot be
    /// redacted (the batch is then denied).
    /// </summary>
    internal List<LineageEvent> MapDecisionBatch(string tenantId, SessionState state, IReadOnlyList<SessionEvent> events, ImmutableArray<EvaluationRequest> requests, ImmutableArray<Decision> decisions)
    {
        var output = new List<LineageEvent>(events.Count + 1);
        Dictionary<string, DecisionEvent>? lastUse = null;

        // One intent object and one tenant key for the whole batch (every decision of a session shares them).
        var intent = LineageMapping.IntentOf(state.Intent);
        var key = TenantKey(tenantId);
        var next = 0;

        foreach (var e in events)
        {
            if (e is not DecisionEvent decided)
            {
                LineageMapping.MapSessionEvent(e, state, output);
                continue;
            }

            var input = InputOf(decided.Decision.DecisionId, requests, decisions, ref next);
            var redacted = Redact(key, input);
            output.Add(LineageMapping.MapDecision(decided, intent, redacted.Digest, redacted.Context));
            if (decided.Decision.Effect == DecisionEffect.Allow && decided.Decision.GrantId is { } grantId)
            {
                (lastUse ??= new(StringComparer.Ordinal))[grantId] = decided;
            }
        }

        if (lastUse is not null)
        {
            foreach (var (grantId, decided) in lastUse)
            {
                var grant = state.Grants.FirstOrDefault(g => g.GrantId == grantId);
                if (grant?.MaxUses is { } max && state.History.UsesOf(grantId) >= max)
                {
                    output.Add(LineageMapping.GrantUsedUp(decided, grant));
                }
            }
        }

        return output;
    }

    /// <summary>
    /// The session's journal after a point: its decision records with a tenant sequence above
    /// <paramref name="afterLineageSequence"/> and a session sequence above <paramref name="afterSessionSequence"/>, in
    /// chain order, as the events to re-apply. Throws when the log cannot be read or a record cannot be replayed.
    /// </summary>
    internal async Task<List<(long LineageSequence, DecisionEvent Event)>> ReadJournalAsync(
        string tenantId, string sessionId, long afterLineageSequence, long afterSessionSequence, CancellationToken cancellationToken)
    {
        var steps = new List<(long, DecisionEvent)>();
        var cursor = afterLineageSequence;
        while (true)
        {
            var query = new LineageQuery
            {
                TenantId = tenantId,
                SessionId = sessionId,
                Kind = LineageEventKind.Decision,
                AfterSequence = cursor,
                Limit = LineageQuery.MaxLimit,
            };
            var page = 0;
            await foreach (var record in _log.QueryAsync(query, cancellationToken).ConfigureAwait(false))
            {
                page++;
                cursor = record.Sequence;
                if (LineageReplay.ToDecisionEvent(record) is { } step && step.Sequence > afterSessionSequence)
                {
                    steps.Add((record.Sequence, step));
                }
            }

            if (page < LineageQuery.MaxLimit)
            {
                return steps;
            }
        }
    }

    /// <summary>Records lifecycle events of a session (opened, grants, approvals, ended). Failures are logged; no decision depends on them.</summary>
    internal Task RecordSessionEventsAsync(string tenantId, SessionState state, IReadOnlyList<SessionEvent> events)
    {
        var output = new List<LineageEvent>(events.Count);
        foreach (var e in events)
        {
            if (e is DecisionEvent decided)
            {
                // Decisions normally go through RecordDecisionsAsync; one reaching here (none today) still gets a record.
                output.Add(LineageMapping.MapDecision(decided, LineageMapping.IntentOf(state.Intent), null, null));
            }
            else
            {
                LineageMapping.MapSessionEvent(e, state, output);
            }
        }

        return AppendLoggedAsync(tenantId, output, "session");
    }

    /// <summary>Records tenant-level events (policy, agents, tenant status, revocation receipts). Failures are logged.</summary>
    internal Task RecordTenantEventsAsync(string tenantId, IReadOnlyList<WardenEvent> events)
    {
        var output = new List<LineageEvent>(events.Count);
        foreach (var e in events)
        {
            if (e is not SessionEvent)
            {
                LineageMapping.MapTenantEvent(e, output);
            }
        }

        return AppendLoggedAsync(tenantId, output, "lifecycle");
    }

    /// <summary>The key this node derives for a tenant (HMAC of the tenant id under the node's context key).</summary>
    /// <param name="tenantId">The tenant.</param>
    public byte[] TenantKey(string tenantId) => _tenantKeys.GetOrAdd(
        tenantId,
        static (tenant, master) => HMACSHA256.HashData(master, Encoding.UTF8.GetBytes("warden.lineage.context/" + tenant)),
        _options.ContextKey!);

    private async Task AppendLoggedAsync(string tenantId, List<LineageEvent> output, string what)
    {
        try
        {
            await AppendAsync(tenantId, output);
        }
        catch (Exception ex)
        {
            LineageLog.LineageAppendFailed(_logger, ex, tenantId, what);
        }
    }

    private static long Highest(ReadOnlySpan<long> sequences)
    {
        long highest = 0;
        foreach (var sequence in sequences)
        {
            highest = Math.Max(highest, sequence);
        }

        return highest;
    }

    private Task<ImmutableArray<long>> AppendAsync(string tenantId, List<LineageEvent> output) =>
        output.Count == 0 ? Task.FromResult(ImmutableArray<long>.Empty)
        : _options.AppendInProcess ? AppendInProcessAsync(output)
        : _grains.GetGrain<ILineageWriterGrain>(tenantId).AppendAsync([.. output]);

    /// <summary>
    /// What <see cref="LineageWriterGrain.AppendAsync"/> does, without the grain hop: only for a silo that is its log's
    /// single appender (<see cref="WardenLineageOptions.AppendInProcess"/>).
    /// </summary>
    private async Task<ImmutableArray<long>> AppendInProcessAsync(List<LineageEvent> output)
    {
        // One group: queued in call order, chained contiguously, committed in one transaction, completed once.
        var records = await _writer.AppendManyAsync(output);
        if (records.Count == 0)
        {
            // Asynchronous mode: queued, no sequences yet.
            return [.. new long[output.Count]];
        }

        var sequences = ImmutableArray.CreateBuilder<long>(records.Count);
        foreach (var record in records)
        {
            sequences.Add(record.Sequence);
        }

        return sequences.MoveToImmutable();
    }

    private (LineageHash? Digest, string? Context) Redact(byte[] tenantKey, string? inputJson)
    {
        if (string.IsNullOrEmpty(inputJson))
        {
            return (null, null);
        }

        // The context Cedar sees as context.input; sensitive paths are written against it ($.input.password).
        var redacted = RedactInput(inputJson, _sensitive, tenantKey);
        var keep = _options.RecordArguments && redacted.Json.Length <= WardenLineageOptions.MaxStoredContextLength;
        return (redacted.Digest, keep ? redacted.Json : null);
    }

    // Redacts {"input":<inputJson>} straight from UTF-8 (no concatenated string in between): the same bytes as the
    // concatenation's, so the same canonical form, digest and refusals.
    internal static RedactedContext RedactInput(string inputJson, SensitivePaths sensitive, byte[] tenantKey)
    {
        var length = InputPrefix.Length + StrictUtf8.GetMaxByteCount(inputJson.Length) + 1;
        byte[]? rented = null;
        Span<byte> buffer = length <= 1024 ? stackalloc byte[1024] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            InputPrefix.CopyTo(buffer);
            var written = InputPrefix.Length + StrictUtf8.GetBytes(inputJson, buffer[InputPrefix.Length..]);
            buffer[written++] = (byte)'}';
            return ContextRedactor.Redact(buffer[..written], sensitive, tenantKey);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // The tool arguments of a decision. Events come in the order of the decisions, so the search starts where the last
    // one was found: one comparison per decision for a batch, not a scan of the batch for each.
    private static string? InputOf(string decisionId, ImmutableArray<EvaluationRequest> requests, ImmutableArray<Decision> decisions, ref int next)
    {
        var count = Math.Min(decisions.Length, requests.Length);
        for (var n = 0; n < count; n++)
        {
            var i = (next + n) % count;
            if (string.Equals(decisions[i].DecisionId, decisionId, StringComparison.Ordinal))
            {
                next = i + 1;
                return requests[i].InputJson;
            }
        }

        return null;
    }
}
