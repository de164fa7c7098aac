namespace Warden.Lineage.Records;

/// <summary>A record's stored bytes and what they were encoded from (see <see cref="LineageRecord.Encoded"/>).</summary>
internal sealed record EncodedForm(byte[] Bytes, LineageEvent Event, long Sequence, LineageHash PreviousHash, LineageHash Hash);
