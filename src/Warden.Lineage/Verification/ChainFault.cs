namespace Warden.Lineage.Verification;

/// <summary>What is wrong at the first bad point of a tenant's chain.</summary>
public enum ChainFault
{
    /// <summary>Nothing: the chain is intact.</summary>
    None = 0,

    /// <summary>A record's content no longer matches its own hash: a field was changed.</summary>
    Altered = 1,

    /// <summary>A sequence is missing from the chain (a gap): a record was removed.</summary>
    Removed = 2,

    /// <summary>Records appear out of sequence order: they were moved.</summary>
    Reordered = 3,

    /// <summary>A record that does not belong was added: a duplicate sequence, another tenant's record, or records past the head marker.</summary>
    Inserted = 4,

    /// <summary>
    /// A self-consistent record does not link to its predecessor: the predecessor was altered and re-hashed, or the
    /// record was replaced by a forged one.
    /// </summary>
    BrokenLink = 5,

    /// <summary>Records at the end of the chain are missing (detected from the head marker or the caller's anchor).</summary>
    Truncated = 6,

    /// <summary>The stored bytes of a record do not decode as a lineage record.</summary>
    Undecodable = 7,

    /// <summary>The last record does not match the head marker committed with it: the tail was replaced.</summary>
    HeadMismatch = 8,

    /// <summary>The record at the caller's anchor sequence has another hash: the chain was rewritten up to the anchor.</summary>
    AnchorMismatch = 9,
}
