namespace Warden.Lineage.Logs.Azure;

/// <summary>Settings of the Azure Table lineage log (cluster mode).</summary>
public sealed class AzureTableLineageLogOptions
{
    /// <summary>The table holding every tenant's lineage. Default <c>WardenLineage</c>; must match <c>^[A-Za-z][A-Za-z0-9]{2,62}$</c>.</summary>
    public string TableName { get; set; } = "WardenLineage";

    /// <summary>Create the table when it does not exist. Default true.</summary>
    public bool CreateTableIfNotExists { get; set; } = true;

    /// <summary>
    /// Records per bucket (partition) of a tenant. Part of the table's format: recorded in the table on first use,
    /// and a log opened with another value is refused. Default 100,000.
    /// </summary>
    public long BucketSize { get; set; } = 100_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        var name = TableName;
        if (string.IsNullOrEmpty(name) || name.Length is < 3 or > 63 || !char.IsAsciiLetter(name[0]) || !name.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("The table name must be 3 to 63 letters and digits, starting with a letter.", nameof(TableName));
        }

        if (BucketSize < 1)
        {
            throw new ArgumentException("The bucket size must be at least 1.", nameof(BucketSize));
        }
    }
}
