namespace Warden.Lineage.Logs.Azure;

/// <summary>Settings of the Azure Table lineage log (cluster mode).</summary>
public sealed class AzureTableLineageLogOptions
{
    /// <summary>The table holding every tenant's lineage. Default <c>WardenLineage</c>; must match <c>^[A-Za-z][A-Za-z0-9]{2,62}$</c>.</summary>
    public string TableName { get; set; } = "WardenLineage";

    /// <summary>Create the table when it does not exist. Default true.</summary>
    public bool CreateTableIfNotExists { get; set; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        var name = TableName;
        if (string.IsNullOrEmpty(name) || name.Length is < 3 or > 63 || !char.IsAsciiLetter(name[0]) || !name.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException("The table name must be 3 to 63 letters and digits, starting with a letter.", nameof(TableName));
        }
    }
}
