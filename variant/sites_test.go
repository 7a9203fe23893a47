package variant

import (
	"reflect"
	"testing"

	"github.com/wtalign/wtalign/report"
)

func TestSites(t *testing.T) {
	// Reference MKLAGVTWYRPE; the query: K2X, G5 deleted (shifted from
	// nowhere: V6 follows), W8 -> stop, Y9F after the stop, query ends at 10.
	in := handAln("", "MKLAGVTWYR", "PE", "", "MXLA-VT*FR", "")
	res, err := Call(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := res.Sites(in.Ref, []int{1, 2, 5, 8, 9, 11})
	if err != nil {
		t.Fatal(err)
	}
	want := []report.Site{
		{RefPos: 1, Ref: "M", Observed: "M", State: report.SiteWildType},
		{RefPos: 2, Ref: "K", Observed: "X", State: report.SiteAmbiguous, Mutation: "K2X"},
		{RefPos: 5, Ref: "G", Observed: "", State: report.SiteDeleted, Mutation: "G5del"},
		{RefPos: 8, Ref: "W", Observed: "*", State: report.SiteMutant, Mutation: "W8*"},
		{RefPos: 9, Ref: "Y", Observed: "F", State: report.SiteMutant, Mutation: "Y9F", AfterPrematureStop: true},
		{RefPos: 11, Ref: "P", Observed: "", State: report.SiteNotCovered, AfterPrematureStop: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if _, err := res.Sites(in.Ref, []int{0}); err == nil {
		t.Error("site 0 accepted")
	}
	if _, err := res.Sites(in.Ref, []int{13}); err == nil {
		t.Error("site past the end accepted")
	}

	// A stop right after the alignment is both a call and not covered: the
	// call wins, the site after it is not covered.
	in = handAln("", "MKLAGV", "TWYRPE", "", "MKLAGV", "*")
	in.Query = append(in.Query, 'Q') // the '*' is no longer terminal
	res, err = Call(in)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = res.Sites(in.Ref, []int{6, 7, 8})
	want = []report.Site{
		{RefPos: 6, Ref: "V", Observed: "V", State: report.SiteWildType},
		{RefPos: 7, Ref: "T", Observed: "*", State: report.SiteMutant, Mutation: "T7*"},
		{RefPos: 8, Ref: "W", Observed: "", State: report.SiteNotCovered, AfterPrematureStop: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
}
