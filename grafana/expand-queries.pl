#!/usr/bin/perl
# expand-queries.pl OUTDIR FROM TO INTERVAL DASHBOARD.json...
# For the tests (t8020): every SQL query of the dashboards (panel targets,
# rows' panels, query variables), with Grafana's PostgreSQL macros expanded
# as Grafana expands them for the range [FROM, TO] (RFC 3339, UTC):
#   $__timeFilter(c)        c BETWEEN 'FROM' AND 'TO'   (timestamp or date c)
#   $__timeFrom() / To()    'FROM' / 'TO'
#   $__timeGroupAlias(c, i) floor(extract(epoch from c)/S)*S AS "time"
#   $__timeGroup(c, i)      floor(extract(epoch from c)/S)*S
#   $__interval(_ms)        INTERVAL (in ms)
# and template variables replaced by their current values the way Grafana's
# SQL datasources format them: a multi-value or include-all variable as a
# comma-separated list of single-quoted strings ('a','b'), a single-value
# one raw.  A panel repeated over a variable gets one value (the first).
# Writes OUTDIR/NNN.sql and OUTDIR/NNN.meta ("format<TAB>dashboard<TAB>title").
use strict;
use warnings;
use JSON::PP;

my ($out, $from, $to, $interval, @files) = @ARGV;
die "usage: expand-queries.pl OUTDIR FROM TO INTERVAL DASHBOARD...\n" unless @files;

sub seconds {
	my ($d) = @_;
	$d =~ s/^'(.*)'$/$1/;
	my %unit = (ms => 0.001, s => 1, m => 60, h => 3600, d => 86400, w => 604800);
	$d =~ /^(\d+)(ms|s|m|h|d|w)$/ or die "cannot read the interval '$d'\n";
	return $1 * $unit{$2};
}
sub quoted { my @v = @_; return join(',', map { (my $q = $_) =~ s/'/''/g; "'$q'" } @v); }
sub enc { my ($s) = @_; utf8::encode($s) if defined $s && utf8::is_utf8($s); return $s; }

my $n = 0;
sub emit {
	my ($format, $board, $title, $sql, $vars) = @_;
	for my $name (sort { length($b) <=> length($a) } keys %$vars) {
		my $v = $vars->{$name};
		$sql =~ s/\$\{\Q$name\E\}|\$\Q$name\E\b|\[\[\Q$name\E\]\]/$v/g;
		$title =~ s/\$\{\Q$name\E\}|\$\Q$name\E\b/$v/g;
	}
	$sql =~ s/\$__interval_ms\b/seconds($interval) * 1000/ge;
	$sql =~ s/\$__interval\b/$interval/g;
	$sql =~ s/\$__timeFilter\(\s*([^)]+?)\s*\)/$1 BETWEEN '$from' AND '$to'/g;
	$sql =~ s/\$__timeFrom\(\)/'$from'/g;
	$sql =~ s/\$__timeTo\(\)/'$to'/g;
	$sql =~ s/\$__timeGroupAlias\(\s*([^,]+?)\s*,\s*([^,)]+?)\s*(?:,[^)]*)?\)/
		"floor(extract(epoch from $1)\/" . seconds($2) . ")*" . seconds($2) . " AS \"time\""/ge;
	$sql =~ s/\$__timeGroup\(\s*([^,]+?)\s*,\s*([^,)]+?)\s*(?:,[^)]*)?\)/
		"floor(extract(epoch from $1)\/" . seconds($2) . ")*" . seconds($2)/ge;
	die "unexpanded macro or variable in '$title': $1\n" if $sql =~ /(\$\w+|\$\{[^}]*\})/;
	$n++;
	my $base = sprintf("%s/%03d", $out, $n);
	open(my $fh, '>:raw', "$base.sql") or die "$base.sql: $!\n";
	print $fh $sql;
	close $fh;
	open($fh, '>:raw', "$base.meta") or die "$base.meta: $!\n";
	print $fh "$format\t$board\t$title\n";
	close $fh;
}

sub walk {
	my ($board, $panels, $vars, $multi) = @_;
	for my $p (@{$panels || []}) {
		walk($board, $p->{panels}, $vars, $multi) if $p->{panels};
		my %v = %$vars;
		if (my $r = $p->{repeat}) {
			# one repetition: the variable holds one of its values
			$v{$r} = $multi->{$r} ? quoted($multi->{$r}[0]) : $v{$r};
		}
		for my $t (@{$p->{targets} || []}) {
			next unless defined $t->{rawSql};
			emit($t->{format} // 'time_series', $board, enc($p->{title} // "panel $p->{id}"),
			     enc($t->{rawSql}), \%v);
		}
	}
}

for my $file (@files) {
	open(my $fh, '<:raw', $file) or die "$file: $!\n";
	local $/;
	my $dash = JSON::PP->new->decode(<$fh>);
	close $fh;
	(my $board = $file) =~ s{.*/}{};
	my (%vars, %multi);
	for my $v (@{$dash->{templating}{list} || []}) {
		my $cur = $v->{current}{value};
		my @vals = map { enc($_) } (ref $cur eq 'ARRAY' ? @$cur : ($cur // ''));
		if ($v->{multi} || $v->{includeAll}) {
			$vars{$v->{name}} = quoted(@vals);
			$multi{$v->{name}} = \@vals;
		} else {
			$vars{$v->{name}} = $vals[0];
		}
		if (($v->{type} // '') eq 'query') {
			my $q = ref $v->{query} eq 'HASH' ? $v->{query}{rawSql} // $v->{query}{query} : $v->{query};
			emit('variable', $board, "variable $v->{name}", enc($q), {});
		}
	}
	walk($board, $dash->{panels}, \%vars, \%multi);
}
print "$n\n";
