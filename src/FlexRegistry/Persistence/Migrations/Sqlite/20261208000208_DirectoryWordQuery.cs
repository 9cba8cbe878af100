using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// Nothing on SQLite: the PostgreSQL migration of this name adds the directory search's word-level index and dictionary;
    /// SQLite scores every listed name in process. Kept so both providers list the same migrations.
    /// </summary>
    public partial class DirectoryWordQuery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
