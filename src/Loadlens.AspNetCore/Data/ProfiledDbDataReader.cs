using System.Collections;
using System.Data;
using System.Data.Common;
using System.Diagnostics;

namespace Loadlens.AspNetCore.Data;

/// <summary>
/// A reader of a <see cref="ProfiledDbCommand"/>: the command's time runs until its last row is read or, when the
/// caller stops early, until the reader is closed (providers produce rows lazily, so the work happens while reading).
/// </summary>
internal sealed class ProfiledDbDataReader(DbDataReader inner, ProfiledDbCommand command, long start) : DbDataReader
{
    private bool _recorded;
    private long _end;

    public override int Depth => inner.Depth;

    public override int FieldCount => inner.FieldCount;

    public override bool HasRows => inner.HasRows;

    public override bool IsClosed => inner.IsClosed;

    public override int RecordsAffected => inner.RecordsAffected;

    public override int VisibleFieldCount => inner.VisibleFieldCount;

    public override object this[int ordinal] => inner[ordinal];

    public override object this[string name] => inner[name];

    public override bool GetBoolean(int ordinal) => inner.GetBoolean(ordinal);

    public override byte GetByte(int ordinal) => inner.GetByte(ordinal);

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);

    public override char GetChar(int ordinal) => inner.GetChar(ordinal);

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);

    public override string GetDataTypeName(int ordinal) => inner.GetDataTypeName(ordinal);

    public override DateTime GetDateTime(int ordinal) => inner.GetDateTime(ordinal);

    public override decimal GetDecimal(int ordinal) => inner.GetDecimal(ordinal);

    public override double GetDouble(int ordinal) => inner.GetDouble(ordinal);

    public override Type GetFieldType(int ordinal) => inner.GetFieldType(ordinal);

    public override float GetFloat(int ordinal) => inner.GetFloat(ordinal);

    public override Guid GetGuid(int ordinal) => inner.GetGuid(ordinal);

    public override short GetInt16(int ordinal) => inner.GetInt16(ordinal);

    public override int GetInt32(int ordinal) => inner.GetInt32(ordinal);

    public override long GetInt64(int ordinal) => inner.GetInt64(ordinal);

    public override string GetName(int ordinal) => inner.GetName(ordinal);

    public override int GetOrdinal(string name) => inner.GetOrdinal(name);

    public override string GetString(int ordinal) => inner.GetString(ordinal);

    public override object GetValue(int ordinal) => inner.GetValue(ordinal);

    public override int GetValues(object[] values) => inner.GetValues(values);

    public override T GetFieldValue<T>(int ordinal) => inner.GetFieldValue<T>(ordinal);

    public override Task<T> GetFieldValueAsync<T>(int ordinal, CancellationToken cancellationToken) => inner.GetFieldValueAsync<T>(ordinal, cancellationToken);

    public override Stream GetStream(int ordinal) => inner.GetStream(ordinal);

    public override TextReader GetTextReader(int ordinal) => inner.GetTextReader(ordinal);

    public override DataTable? GetSchemaTable() => inner.GetSchemaTable();

    public override Task<DataTable?> GetSchemaTableAsync(CancellationToken cancellationToken = default) => inner.GetSchemaTableAsync(cancellationToken);

    public override Task<System.Collections.ObjectModel.ReadOnlyCollection<DbColumn>> GetColumnSchemaAsync(CancellationToken cancellationToken = default) => inner.GetColumnSchemaAsync(cancellationToken);

    public override bool IsDBNull(int ordinal) => inner.IsDBNull(ordinal);

    public override Task<bool> IsDBNullAsync(int ordinal, CancellationToken cancellationToken) => inner.IsDBNullAsync(ordinal, cancellationToken);

    public override bool NextResult() => Ended(inner.NextResult());

    public override async Task<bool> NextResultAsync(CancellationToken cancellationToken) => Ended(await inner.NextResultAsync(cancellationToken).ConfigureAwait(false));

    public override bool Read() => inner.Read() || Ended(false);

    public override async Task<bool> ReadAsync(CancellationToken cancellationToken) => await inner.ReadAsync(cancellationToken).ConfigureAwait(false) || Ended(false);

    public override IEnumerator GetEnumerator() => ((IEnumerable)inner).GetEnumerator();

    public override void Close()
    {
        inner.Close();
        Done();
    }

    public override async Task CloseAsync()
    {
        await inner.CloseAsync().ConfigureAwait(false);
        Done();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            Done();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        Done();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The last row was read (or the last result passed): the command's time ends here, not at Dispose.</summary>
    private bool Ended(bool more)
    {
        if (!more)
        {
            _end = Stopwatch.GetTimestamp();
        }

        return more;
    }

    private void Done()
    {
        if (!_recorded)
        {
            _recorded = true;
            command.Record(start, _end, failed: false);
        }
    }
}
