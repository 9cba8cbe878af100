using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DirectorySearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "SearchName",
                table: "participants",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            // Existing rows: the normalised name without its legal-form words (OrganisationName.SearchKey on new rows also
            // drops a "T/A" joint, which the normalised name no longer shows as such).
            migrationBuilder.Sql("""
                UPDATE participants SET "SearchName" = trim(replace(replace(replace(replace(replace(replace(replace(
                    ' ' || "NormalisedName" || ' ', ' ltd ', ' '), ' plc ', ' '), ' co ', ' '), ' llp ', ' '), ' lp ', ' '), ' cic ', ' '), ' & ', ' '));
                """);

            migrationBuilder.CreateIndex(
                name: "ix_participants_search_name_trgm",
                table: "participants",
                column: "SearchName")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_participants_search_name_trgm",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "SearchName",
                table: "participants");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
