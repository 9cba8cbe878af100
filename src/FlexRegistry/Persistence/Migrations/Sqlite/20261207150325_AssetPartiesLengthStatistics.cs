using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// Nothing on SQLite: the PostgreSQL migration of this name adds statistics on <c>length("Parties")</c> so that its
    /// planner does not plan a parallel scan; SQLite plans none. Kept so both providers list the same migrations.
    /// </summary>
    public partial class AssetPartiesLengthStatistics : Migration
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
