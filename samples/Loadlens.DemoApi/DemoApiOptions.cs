namespace Loadlens.DemoApi;

/// <summary>Options for building or starting the demo API.</summary>
public sealed record DemoApiOptions
{
    /// <summary>
    /// Path of the SQLite database file. When <see langword="null"/>, <see cref="DemoApiHost.StartAsync"/>
    /// creates a new temporary file and deletes it again on dispose. The database is created and seeded
    /// on first start; an existing, already seeded file is reused as is.
    /// </summary>
    public string? DatabasePath { get; init; }

    /// <summary>TCP port to listen on at 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>When <see langword="true"/> (the default), no logging providers are registered, so nothing is written to the console.</summary>
    public bool Quiet { get; init; } = true;

    /// <summary>
    /// When <see langword="true"/>, the database is switched to write-ahead logging (WAL).
    /// Off by default: in the default rollback-journal mode every write serializes on SQLite's
    /// database-wide write lock and readers are blocked while a writer commits.
    /// </summary>
    public bool UseWriteAheadLog { get; init; }
}
