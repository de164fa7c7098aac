using System.Globalization;
using Warden.Lineage.Chain;
using Warden.Lineage.Logs;
using Warden.Lineage.Records;

namespace Warden.Lineage.Verification;

/// <summary>
/// Reads a tenant's chain end to end and names the first record altered, removed, reordered or inserted, and a
/// truncated tail where it can be seen. Behind <c>warden audit verify</c>.
/// </summary>
/// <remarks>
/// <para>Checks, in storage order, for each record at chain position <c>n</c> (starting at 1):</para>
/// <list type="number">
/// <item>it decodes (<see cref="ChainFault.Undecodable"/>);</item>
/// <item>its hash matches its content (<see cref="ChainFault.Altered"/>);</item>
/// <item>it belongs to the tenant (<see cref="ChainFault.Inserted"/>);</item>
/// <item>its sequence is <c>n</c>: a lower one was seen already (<see cref="ChainFault.Inserted"/>); a higher one
/// leaves a gap, which is <see cref="ChainFault.Reordered"/> if a missing sequence turns up later and
/// <see cref="ChainFault.Removed"/> if none does;</item>
/// <item>its previous hash is the hash of record <c>n − 1</c> (zero for the first) (<see cref="ChainFault.BrokenLink"/>).</item>
/// </list>
/// <para>
/// Then the end: the head marker the log committed with the last batch must equal the last record
/// (<see cref="ChainFault.Truncated"/>, <see cref="ChainFault.Inserted"/> or <see cref="ChainFault.HeadMismatch"/>),
/// and an anchor the caller kept outside the log, if given, must be on the chain (<see cref="ChainFault.Truncated"/>
/// or <see cref="ChainFault.AnchorMismatch"/>).
/// </para>
/// <para>
/// What it cannot see: the chain uses plain SHA-256, so someone able to write the log can rewrite a whole suffix
/// (records, hashes and head marker) consistently. Only an anchor kept elsewhere (an exported head, a previous
/// verification's result) exposes that; keep one.
/// </para>
/// </remarks>
public static class LineageVerifier
{
    /// <summary>Verifies one tenant's chain.</summary>
    /// <param name="log">The log to read.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="anchor">A head recorded earlier outside the log (optional): the chain must contain it.</param>
    /// <param name="cancellationToken">Stops the scan.</param>
    public static async Task<ChainVerificationResult> VerifyAsync(
        ILineageLog log,
        string tenantId,
        ChainHead? anchor = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentException.ThrowIfNullOrEmpty(tenantId);

        var expected = 1L;
        var previous = LineageHash.Zero;
        var verified = 0L;
        LineageHash? anchorHashSeen = null;
        (long From, long To)? gap = null;

        ChainVerificationResult Fail(ChainFault fault, long at, string message, LineageHash? expectedHash = null, LineageHash? actualHash = null) => new()
        {
            TenantId = tenantId,
            Fault = fault,
            FirstBadSequence = at,
            ExpectedHash = expectedHash,
            ActualHash = actualHash,
            RecordsVerified = verified,
            LastGoodSequence = expected - 1,
            Message = message,
        };

        var records = log.ReadAsync(tenantId, 1, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                LineageRecord record;
                try
                {
                    if (!await records.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    record = records.Current;
                }
                catch (LineageFormatException ex)
                {
                    if (gap is { } pending)
                    {
                        return Fail(ChainFault.Removed, pending.From, GapMessage(pending));
                    }

                    return Fail(ChainFault.Undecodable, ex.StoredSequence ?? expected, $"The stored record does not decode: {ex.Message}");
                }

                if (gap is { } open)
                {
                    // Past a gap, only one question is left: does a missing sequence turn up later (moved) or not (removed)?
                    if (record.Sequence >= open.From && record.Sequence <= open.To)
                    {
                        return Fail(
                            ChainFault.Reordered,
                            open.From,
                            Invariant($"Sequence {record.Sequence} is stored after later records: records were moved."));
                    }

                    continue;
                }

                var computed = LineageRecordSerializer.ComputeHash(record.Sequence, record.Event, record.PreviousHash);
                if (computed != record.Hash)
                {
                    return Fail(
                        ChainFault.Altered,
                        expected,
                        Invariant($"The record stored as sequence {record.Sequence} does not match its hash: its content was changed."),
                        computed,
                        record.Hash);
                }

                if (!string.Equals(record.TenantId, tenantId, StringComparison.Ordinal))
                {
                    return Fail(ChainFault.Inserted, expected, $"A record of tenant '{record.TenantId}' is in this tenant's chain.");
                }

                if (record.Sequence < expected)
                {
                    return Fail(
                        ChainFault.Inserted,
                        record.Sequence,
                        Invariant($"A second record with sequence {record.Sequence} follows sequence {expected - 1}: a record was inserted."),
                        actualHash: record.Hash);
                }

                if (record.Sequence > expected)
                {
                    gap = (expected, record.Sequence - 1);
                    continue;
                }

                if (record.PreviousHash != previous)
                {
                    return Fail(
                        ChainFault.BrokenLink,
                        expected,
                        Invariant($"Record {expected} does not link to record {expected - 1}: one of them was altered and re-hashed, or replaced."),
                        previous,
                        record.PreviousHash);
                }

                if (anchor is { } a && a.Sequence == record.Sequence)
                {
                    anchorHashSeen = record.Hash;
                }

                previous = record.Hash;
                verified++;
                expected++;
            }
        }
        finally
        {
            await records.DisposeAsync().ConfigureAwait(false);
        }

        if (gap is { } missing)
        {
            return Fail(ChainFault.Removed, missing.From, GapMessage(missing));
        }

        var last = new ChainHead(expected - 1, previous);
        var marker = await log.ReadHeadAsync(tenantId, cancellationToken).ConfigureAwait(false);
        if (marker is { } m)
        {
            if (m.Sequence > last.Sequence)
            {
                return Fail(
                    ChainFault.Truncated,
                    last.Sequence + 1,
                    Invariant($"The head marker says the chain ends at {m.Sequence}, the records end at {last.Sequence}: the tail was removed."),
                    m.Hash,
                    last.Sequence == 0 ? null : last.Hash);
            }

            if (m.Sequence < last.Sequence)
            {
                return Fail(
                    ChainFault.Inserted,
                    m.Sequence + 1,
                    Invariant($"Records continue past the head marker ({m.Sequence}) to {last.Sequence}: they were added outside the writer."));
            }

            if (m.Hash != last.Hash)
            {
                return Fail(
                    ChainFault.HeadMismatch,
                    last.Sequence,
                    "The last record is not the one committed with the head marker: the tail was replaced.",
                    m.Hash,
                    last.Hash);
            }
        }
        else if (last.Sequence > 0)
        {
            return Fail(ChainFault.HeadMismatch, last.Sequence, "The chain has records but no head marker: the marker was removed.", actualHash: last.Hash);
        }

        if (anchor is { } anchorHead)
        {
            if (anchorHead.Sequence > last.Sequence)
            {
                return Fail(
                    ChainFault.Truncated,
                    last.Sequence + 1,
                    Invariant($"The anchor is at sequence {anchorHead.Sequence}, the chain ends at {last.Sequence}: the tail was removed."),
                    anchorHead.Hash,
                    last.Sequence == 0 ? null : last.Hash);
            }

            if (anchorHead.Sequence > 0 && anchorHashSeen != anchorHead.Hash)
            {
                return Fail(
                    ChainFault.AnchorMismatch,
                    anchorHead.Sequence,
                    Invariant($"Record {anchorHead.Sequence} differs from the anchor: the chain was rewritten up to it."),
                    anchorHead.Hash,
                    anchorHashSeen);
            }
        }

        return new ChainVerificationResult
        {
            TenantId = tenantId,
            Fault = ChainFault.None,
            RecordsVerified = verified,
            LastGoodSequence = last.Sequence,
            Message = Invariant($"Chain of tenant '{tenantId}' is intact: {verified} records, head {last}."),
        };
    }

    private static string GapMessage((long From, long To) gap) => gap.From == gap.To
        ? Invariant($"Sequence {gap.From} is missing: a record was removed.")
        : Invariant($"Sequences {gap.From} to {gap.To} are missing: records were removed.");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
