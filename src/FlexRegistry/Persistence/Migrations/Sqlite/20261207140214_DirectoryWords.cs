using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <summary>
    /// The directory's word index is PostgreSQL's (Participants/DirectoryWord): SQLite scores every name in process, so its
    /// model is unchanged; this migration keeps the two providers' migration lists the same.
    /// </summary>
    public partial class DirectoryWords : Migration
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
